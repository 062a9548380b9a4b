"""Inbox search (inbox/search.py): contacts by name, email and phone in any format, message
text by full-text search on PostgreSQL (icontains on SQLite), only inside the inboxes the user
may see, safe snippets, any input, and a fixed number of queries."""

import importlib
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox import search
from tests.factories import make_contact, make_conversation, make_inbox, make_message, make_token, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Inbox "own" with agent Anna, inbox "other" with agent Bert, a lead in neither."""
    own, other = make_inbox("whatsapp", name="Support"), make_inbox("livechat", name="Other brand")
    anna, bert = make_user("anna", inboxes=[own]), make_user("bert", inboxes=[other])
    lead = make_user("lea", role="lead")
    sanne = make_contact(name="Sanne Bakker", phone="+31612345678", email="sanne@example.nl")
    mine = make_conversation(own, contact=sanne)
    secret = make_contact(name="Sanne Geheim", phone="+31687654321", email="geheim@example.nl")
    theirs = make_conversation(other, contact=secret)
    return {"own": own, "other": other, "anna": anna, "bert": bert, "lead": lead, "mine": mine, "theirs": theirs}


def hits(results) -> tuple[list[int], list[int]]:
    return [h.conversation_id for h in results.contacts], [h.message_id for h in results.messages]


# --- contacts -------------------------------------------------------------------------------


@pytest.mark.smoke
@pytest.mark.parametrize(
    "query", ["Sanne Bakker", "bakker", "sanne@example", "SANNE@EXAMPLE.NL", "06-12345678", "+31 6 1234 5678"]
)
def test_a_contact_is_found_by_name_email_or_phone_in_any_format(world, query):
    results = search.search(user=world["anna"], query=query)
    assert [h.contact_id for h in results.contacts] == [world["mine"].contact_id]
    assert results.contacts[0].conversation_id == world["mine"].pk


@pytest.mark.parametrize("query", ["0031612345678", "0612345678", "1234 5678", "612345678"])
def test_a_phone_number_matches_from_the_international_national_or_partial_form(world, query):
    results = search.search(user=world["anna"], query=query)
    assert [h.contact_id for h in results.contacts] == [world["mine"].contact_id]


def test_a_contact_hit_opens_their_latest_conversation(world):
    contact = world["mine"].contact
    world["mine"].last_message_at = timezone.now() - timedelta(days=3)
    world["mine"].save()
    latest = make_conversation(world["own"], contact=contact)
    results = search.search(user=world["anna"], query="Bakker")
    assert [(h.contact_id, h.conversation_id) for h in results.contacts] == [(contact.pk, latest.pk)]


def test_a_contacts_conversation_in_another_inbox_is_not_the_link(world):
    """Sanne also wrote to the other brand, more recently: Anna's hit opens the one she may see."""
    make_conversation(world["other"], contact=world["mine"].contact)
    results = search.search(user=world["anna"], query="Bakker")
    assert [h.conversation_id for h in results.contacts] == [world["mine"].pk]


# --- messages --------------------------------------------------------------------------------


@pytest.mark.smoke
def test_message_text_is_found_with_the_match_highlighted(world):
    message = make_message(world["mine"], text="Hoi, waar blijft mijn bestelling?")
    make_message(world["mine"], text="Something else entirely")
    results = search.search(user=world["anna"], query="bestelling")
    assert [h.message_id for h in results.messages] == [message.pk]
    hit = results.messages[0]
    assert hit.snippet == "Hoi, waar blijft mijn <mark>bestelling</mark>?"
    assert (hit.conversation_id, hit.contact_name, hit.channel) == (world["mine"].pk, "Sanne Bakker", "whatsapp")


@pytest.mark.smoke
def test_every_word_must_match_and_the_last_may_be_unfinished(world):
    both = make_message(world["mine"], text="Waar blijft mijn bestelling?")
    make_message(world["mine"], text="Waar is de winkel?")
    results = search.search(user=world["anna"], query="waar bestel")
    assert [h.message_id for h in results.messages] == [both.pk]
    assert "<mark>Waar</mark>" in results.messages[0].snippet and "<mark>bestel" in results.messages[0].snippet


@pytest.mark.smoke
def test_private_notes_are_searchable_by_agents(world):
    note = make_message(world["mine"], direction="out", text="VIP klant, bestelling 10234 voorrang", private=True)
    results = search.search(user=world["anna"], query="10234")
    assert [(h.message_id, h.private) for h in results.messages] == [(note.pk, True)]


@pytest.mark.smoke
def test_html_and_script_in_a_message_are_escaped_in_the_snippet(world):
    make_message(world["mine"], text='<b onclick="go()">bestelling</b> <script>alert(1)</script> & more')
    snippet = search.search(user=world["anna"], query="bestelling").messages[0].snippet
    assert "<script>" not in snippet and "<b" not in snippet
    assert snippet == (
        "&lt;b onclick=&quot;go()&quot;&gt;<mark>bestelling</mark>&lt;/b&gt; "
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"
    )


def test_a_search_never_marks_inside_an_escaped_entity(world):
    make_message(world["mine"], text="fish & chips amp")
    snippet = search.search(user=world["anna"], query="amp").messages[0].snippet
    assert snippet == "fish &amp; chips <mark>amp</mark>"


def test_a_long_message_is_cut_around_the_first_match(world):
    text = "woord " * 60 + "bestelling " + "meer " * 60
    make_message(world["mine"], text=text)
    snippet = search.search(user=world["anna"], query="bestelling").messages[0].snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>bestelling</mark>" in snippet and len(snippet) < len(text) / 2


@pytest.mark.smoke
def test_newest_messages_come_first_among_equal_matches(world):
    now = timezone.now()
    old = make_message(world["mine"], text="bestelling", sent_at=now - timedelta(days=2))
    new = make_message(world["mine"], text="bestelling", sent_at=now - timedelta(hours=1))
    middle = make_message(world["mine"], text="bestelling", sent_at=now - timedelta(days=1))
    assert hits(search.search(user=world["anna"], query="bestelling"))[1] == [new.pk, middle.pk, old.pk]


# --- who sees what ---------------------------------------------------------------------------


@pytest.mark.smoke
def test_an_agent_finds_nothing_in_inboxes_they_are_not_a_member_of(world):
    make_message(world["mine"], text="bestelling van Sanne")
    foreign = make_message(world["theirs"], text="bestelling van Sanne Geheim")
    anna = search.search(user=world["anna"], query="Sanne")
    assert [h.contact_id for h in anna.contacts] == [world["mine"].contact_id]
    assert foreign.pk not in hits(search.search(user=world["anna"], query="bestelling"))[1]
    assert hits(search.search(user=world["anna"], query="Geheim")) == ([], [])
    assert hits(search.search(user=world["anna"], query="0687654321")) == ([], [])
    bert = search.search(user=world["bert"], query="bestelling")
    assert [h.message_id for h in bert.messages] == [foreign.pk]


def test_an_agent_without_inboxes_finds_nothing(world):
    make_message(world["mine"], text="bestelling")
    loner = make_user("loner")
    assert hits(search.search(user=loner, query="bestelling")) == ([], [])
    assert hits(search.search(user=loner, query="Sanne")) == ([], [])


def test_leads_search_every_inbox(world):
    make_message(world["mine"], text="bestelling een")
    make_message(world["theirs"], text="bestelling twee")
    results = search.search(user=world["lead"], query="bestelling")
    assert {h.conversation_id for h in results.messages} == {world["mine"].pk, world["theirs"].pk}
    contacts = search.search(user=world["lead"], query="Sanne").contacts
    assert {h.contact_id for h in contacts} == {world["mine"].contact_id, world["theirs"].contact_id}


@pytest.mark.smoke
def test_the_search_fragment_shows_only_the_agents_hits_with_links_to_the_message(client, world):
    message = make_message(world["mine"], text="Waar blijft mijn bestelling?")
    make_message(world["theirs"], text="Geheime bestelling")
    client.force_login(world["anna"])
    response = client.get("/inbox/search/", {"q": "bestelling"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('data-testid="search-result"') == 1
    assert f'href="/?c={world["mine"].pk}&amp;m={message.pk}"' in page
    assert "Geheime" not in page


@pytest.mark.smoke
def test_the_search_fragment_links_a_contact_to_their_conversation(client, world):
    client.force_login(world["anna"])
    page = client.get("/inbox/search/", {"q": "06 1234 5678"}).content.decode()
    assert page.count('data-testid="search-result"') == 1
    assert f'href="/?c={world["mine"].pk}"' in page and "Sanne Bakker" in page


def test_the_search_fragment_escapes_message_text(client, world):
    make_message(world["mine"], text="<img src=x onerror=alert(1)> bestelling")
    client.force_login(world["anna"])
    page = client.get("/inbox/search/", {"q": "bestelling"}).content.decode()
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt; <mark>bestelling</mark>" in page


def test_the_search_fragment_says_when_nothing_is_found(client, world):
    client.force_login(world["anna"])
    page = client.get("/inbox/search/", {"q": "<b>xyzzy</b>"}).content.decode()
    assert 'data-testid="search-result"' not in page
    assert "Nothing found for “&lt;b&gt;xyzzy&lt;/b&gt;”." in page


def test_anonymous_visitors_cannot_search(client, api_client, world):
    response = client.get("/inbox/search/", {"q": "Sanne"})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert api_client.get("/api/v1/search/", {"q": "Sanne"}).status_code == 401


# --- API -------------------------------------------------------------------------------------


@pytest.mark.smoke
def test_the_api_search_answers_the_token_users_hits(api_client, world):
    message = make_message(world["mine"], text="Waar blijft mijn bestelling?", private=True, direction="out")
    make_message(world["theirs"], text="Geheime bestelling")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(world['anna'])}")
    response = api_client.get("/api/v1/search/", {"q": "bestelling"})
    assert response.status_code == 200
    body = response.json()
    assert body["contacts"] == []
    assert body["messages"] == [
        {
            "message_id": message.pk,
            "conversation_id": world["mine"].pk,
            "contact_name": "Sanne Bakker",
            "channel": "whatsapp",
            "snippet": "Waar blijft mijn <mark>bestelling</mark>?",
            "sent_at": body["messages"][0]["sent_at"],
            "direction": "out",
            "private": True,
            "url": f"/?c={world['mine'].pk}&m={message.pk}",
        }
    ]
    contacts = api_client.get("/api/v1/search/", {"q": "sanne"}).json()["contacts"]
    assert [(c["contact_id"], c["conversation_id"], c["url"]) for c in contacts] == [
        (world["mine"].contact_id, world["mine"].pk, f"/?c={world['mine'].pk}")
    ]


def test_the_api_search_checks_its_limit(api_client, world):
    for n in range(4):
        make_message(world["mine"], text=f"bestelling {n}")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(world['anna'])}")
    assert len(api_client.get("/api/v1/search/", {"q": "bestelling", "limit": 2}).json()["messages"]) == 2
    assert api_client.get("/api/v1/search/", {"q": "bestelling", "limit": 0}).status_code == 400
    assert api_client.get("/api/v1/search/", {"q": "bestelling", "limit": "many"}).status_code == 400


def test_the_api_search_is_in_the_openapi_schema(client):
    token = make_token(make_user())
    schema = client.get("/api/schema/", {"format": "json"}, HTTP_AUTHORIZATION=f"Token {token}").json()
    operation = schema["paths"]["/api/v1/search/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "limit"}


# --- any input -------------------------------------------------------------------------------

AWKWARD_QUERIES = [
    "'",
    '"bestelling"',
    "bestel:*",
    "a & b | !c",
    "&|!:*()",
    "():*&|!'\"\\",
    "'; DROP TABLE inbox_message; --",
    "%_%",
    "\x00bestelling\x00",
    "bestelling " * 500,
    "ü" * 5000,
    "🙂 bestelling",
    "",
    "   ",
    "x",
]


@pytest.mark.smoke
@pytest.mark.parametrize("query", AWKWARD_QUERIES)
def test_any_input_is_answered_never_a_server_error(client, api_client, world, query):
    make_message(world["mine"], text="Waar blijft mijn bestelling? (order 5531) & 'quotes'")
    client.force_login(world["anna"])
    page = client.get("/inbox/search/", {"q": query})
    api_client.force_authenticate(world["anna"])
    response = api_client.get("/api/v1/search/", {"q": query})
    if "\x00" in query:  # NUL fits no database column: a clear 400 at the door, for every URL
        assert page.status_code == response.status_code == 400
        assert b"Null characters are not allowed" in response.content
    else:
        assert page.status_code == response.status_code == 200


def test_quotes_and_operators_are_searched_as_plain_words(world):
    message = make_message(world["mine"], text="Waar blijft mijn bestelling? (order 5531)")
    for query in ['"bestelling"', "bestelling!", "(order) & 5531", "order:* 5531|"]:
        assert hits(search.search(user=world["anna"], query=query))[1] == [message.pk], query


def test_like_wildcards_in_the_query_match_only_themselves(world):
    assert hits(search.search(user=world["anna"], query="%_%")) == ([], [])


# --- a fixed number of queries ---------------------------------------------------------------


def _count_queries(run) -> int:
    """Statements sent, without the savepoints a test's outer transaction turns atomic() into."""
    with CaptureQueriesContext(connection) as queries:
        run()
    return len([q for q in queries if "SAVEPOINT" not in q["sql"]])


@pytest.mark.smoke
def test_search_runs_a_fixed_number_of_queries_whatever_the_hit_count(client, world):
    make_message(world["mine"], text="bestelling")
    client.force_login(world["anna"])

    def run():
        response = client.get("/inbox/search/", {"q": "bestelling"})
        assert response.status_code == 200
        return response

    few = _count_queries(run)
    for n in range(8):
        contact = make_contact(name=f"Bestelling Klant {n}")
        conversation = make_conversation(world["own"], contact=contact)
        make_message(conversation, text=f"nog een bestelling {n}", private=n % 2 == 0)
    many = _count_queries(run)
    assert run().content.decode().count('data-testid="search-result"') == 8 + 9
    assert few == many
    agent_queries = _count_queries(lambda: search.search(user=world["anna"], query="bestelling"))
    lead_queries = _count_queries(lambda: search.search(user=world["lead"], query="bestelling"))
    # Contacts, messages (on PostgreSQL with a SET LOCAL before it), and for the agent their inbox ids.
    assert lead_queries == (3 if connection.vendor == "postgresql" else 2)
    assert agent_queries == lead_queries + 1


# --- PostgreSQL: full-text search, the index --------------------------------------------------


@pytest.mark.postgres
def test_postgres_matches_whole_words_and_the_last_as_a_prefix(on_postgres, world):
    dutch = make_message(world["mine"], text="Waar blijft mijn bestelling?")
    german = make_message(world["mine"], text="Wann wird meine Bestellung geliefert?")
    assert set(hits(search.search(user=world["anna"], query="bestel"))[1]) == {dutch.pk, german.pk}
    assert hits(search.search(user=world["anna"], query="stelling"))[1] == []  # words, not substrings
    assert hits(search.search(user=world["anna"], query="bestelling blij"))[1] == [dutch.pk]
    assert hits(search.search(user=world["anna"], query="bestel blijft"))[1] == []  # only the last is a prefix


@pytest.mark.postgres
def test_postgres_ranks_the_better_match_first(on_postgres, world):
    now = timezone.now()
    better = make_message(world["mine"], text="bestelling bestelling bestelling", sent_at=now - timedelta(days=1))
    newer = make_message(world["mine"], text="mijn bestelling is er", sent_at=now)
    assert hits(search.search(user=world["anna"], query="bestelling"))[1] == [better.pk, newer.pk]


@pytest.mark.postgres
def test_postgres_finds_a_rare_word_beyond_the_newest_messages(on_postgres, world, monkeypatch):
    """The first pass only looks at the newest RECENT_SCAN messages; an older match still shows."""
    monkeypatch.setattr(search, "RECENT_SCAN", 5)
    now = timezone.now()
    rare = make_message(world["mine"], text="retourlabel kwijt", sent_at=now - timedelta(days=30))
    for n in range(10):
        make_message(world["mine"], text=f"bestelling {n}", sent_at=now - timedelta(minutes=n))
    assert hits(search.search(user=world["anna"], query="retourlabel"))[1] == [rare.pk]
    common = hits(search.search(user=world["anna"], query="bestelling", limit=3))[1]
    assert len(common) == 3


@pytest.mark.postgres
def test_postgres_the_migration_created_the_search_indexes(on_postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)", [search_index_names()])
        indexes = dict(cursor.fetchall())
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        trigram = cursor.fetchone() is not None
    assert "to_tsvector('simple'::regconfig, text)" in indexes["msg_text_search"]
    assert {"msg_sent_at", "conv_status_waiting"} <= set(indexes)
    if trigram:
        assert {"crm_contact_name_trgm", "crm_contact_email_trgm", "crm_contact_phone_trgm"} <= set(indexes)


@pytest.mark.postgres
def test_postgres_message_search_reads_the_full_text_index(on_postgres, world):
    """The query's expression must be the index's, or PostgreSQL reads every message."""
    make_message(world["mine"], text="bestelling")
    with CaptureQueriesContext(connection) as queries:
        search.search(user=world["lead"], query="retourlabel")
    sql = next(q["sql"] for q in queries if "to_tsquery" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be read whole anyway
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "msg_text_search" in plan


def search_index_names() -> list[str]:
    return importlib.import_module("inbox.migrations.0005_message_search").INDEX_NAMES


@pytest.mark.smoke
def test_sqlite_gets_none_of_the_postgres_indexes():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite side of migration 0004")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        names = {row[0] for row in cursor.fetchall()}
    assert "crm_contact_name" in names  # the model's own indexes are there
    assert not names & set(search_index_names())


# --- SQLite: the simple fallback -------------------------------------------------------------


@pytest.mark.smoke
def test_sqlite_falls_back_to_substring_matching(world):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite fallback")
    message = make_message(world["mine"], text="Waar blijft mijn bestelling?")
    results = search.search(user=world["anna"], query="stelling")
    assert [h.message_id for h in results.messages] == [message.pk]
    assert "be<mark>stelling</mark>" in results.messages[0].snippet
