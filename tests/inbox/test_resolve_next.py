"""After resolving (the button or `e`), the page opens the next conversation of its view,
or says the view is empty; and `/` in the composer explains where canned responses come from
when there are none."""

import pytest

from inbox.models import CannedResponse
from tests.factories import make_conversation, make_inbox, make_message, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(client):
    inbox = make_inbox("livechat")
    anna = make_user("anna", inboxes=[inbox])
    first, second = make_conversation(inbox), make_conversation(inbox)
    make_message(first, text="Eerste vraag")
    make_message(second, text="Tweede vraag")
    client.force_login(anna)
    return inbox, anna, first, second


def test_resolving_answers_with_the_next_conversation_the_page_picked(client, two):
    inbox, anna, first, second = two

    response = client.post(
        f"/inbox/conversations/{first.pk}/update/", {"status": "resolved", "open_next": str(second.pk)}
    )

    first.refresh_from_db()
    assert first.status == "resolved"
    assert f'class="conversation-view" data-conversation-id="{second.pk}"' in response.content.decode()


def test_resolving_the_last_one_answers_with_the_empty_view(client, two):
    inbox, anna, first, second = two

    response = client.post(f"/inbox/conversations/{first.pk}/update/", {"status": "resolved", "open_next": ""})

    assert 'data-testid="pane-empty"' in response.content.decode()
    assert "conversation-view" not in response.content.decode()


def test_a_next_conversation_the_agent_may_not_see_is_never_shown(client, two):
    inbox, anna, first, second = two
    foreign = make_conversation(make_inbox("whatsapp"))
    make_message(foreign, text="GEHEIM")

    response = client.post(
        f"/inbox/conversations/{first.pk}/update/", {"status": "resolved", "open_next": str(foreign.pk)}
    )

    assert "GEHEIM" not in response.content.decode() and 'data-testid="pane-empty"' in response.content.decode()


def test_the_resolve_button_asks_for_the_next_conversation(client, two):
    inbox, anna, first, second = two

    pane = client.get(f"/inbox/conversations/{first.pk}/").content.decode()

    assert 'data-testid="resolve" data-open-next' in pane


def test_slash_without_canned_responses_explains_how_to_add_them(client, two):
    inbox, anna, first, second = two
    lead = make_user("lea", role="lead")

    for_agent = client.get(f"/inbox/canned/?q=&inbox={inbox.pk}").json()
    client.force_login(lead)
    for_lead = client.get(f"/inbox/canned/?q=&inbox={inbox.pk}").json()
    CannedResponse.objects.create(shortcut="hallo", title="Hallo", text="Hallo!")
    some_exist = client.get(f"/inbox/canned/?q=zzz&inbox={inbox.pk}").json()

    assert for_agent == {"none_exist": True, "may_manage": False, "results": []}
    assert for_lead["none_exist"] and for_lead["may_manage"]
    assert some_exist["none_exist"] is False and some_exist["results"] == []
    page = client.get(f"/?c={first.pk}").content.decode()
    assert 'data-manage-url="/inbox/canned/manage/"' in page and "There are no canned responses yet" in page
