"""Crisis signals of public comments: comments per post per hour, the spike warning (10x the
post's usual hourly comments), the negative share of public comments, and the public/private
split per channel, in the summary API and on the lead dashboard."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from reporting.kpis import ReportFilter, summary_compute
from reporting.rollup import inbox_day_rollup
from reporting.templatetags.reporting import percent, signed_percent
from tests.factories import make_conversation, make_inbox, make_message, make_user

from .conftest import ams

pytestmark = pytest.mark.django_db

NOW = ams(2026, 3, 31, 15, 30)
POST = "17890000000000042"


def _thread(inbox, post=POST):
    return make_conversation(
        inbox,
        public=True,
        thread_key=post,
        source={"kind": "post", "post_id": post, "permalink": f"https://www.instagram.com/p/{post}/"},
    )


def _comments(conversation, at, n, text="Waar blijft mijn bestelling?"):
    for i in range(n):
        make_message(conversation, kind="comment", text=text, sent_at=at + timedelta(seconds=i))


def _summary(inbox, now=NOW):
    return summary_compute(report_filter=ReportFilter(start=date(2026, 3, 31), end=date(2026, 3, 31)), now=now)


def test_a_post_with_ten_times_its_usual_comments_in_the_last_hour_warns(db):
    inbox = make_inbox("instagram")
    thread = _thread(inbox)
    for day in range(1, 7):  # a steady two comments an hour for the past days
        for hour in range(24):
            _comments(thread, NOW - timedelta(days=day, hours=hour), 2)
    _comments(thread, NOW - timedelta(minutes=50), 19)
    assert _summary(inbox)["public"]["spikes"] == []  # 19 is under 10 x 2
    _comments(thread, NOW - timedelta(minutes=20), 1)
    [spike] = _summary(inbox)["public"]["spikes"]
    assert (spike["post_id"], spike["last_hour"], spike["usual_per_hour"], spike["factor"]) == (POST, 20, 2.0, 10.0)
    assert spike["permalink"] == f"https://www.instagram.com/p/{POST}/" and spike["channel"] == "instagram"


def test_a_new_post_needs_ten_comments_in_an_hour_to_warn(db):
    inbox = make_inbox("instagram")
    _comments(_thread(inbox), NOW - timedelta(minutes=30), 9)
    assert _summary(inbox)["public"]["spikes"] == []
    _comments(_thread(inbox), NOW - timedelta(minutes=10), 1)  # another person on the same post
    assert [s["last_hour"] for s in _summary(inbox)["public"]["spikes"]] == [10]


def test_posts_are_listed_with_their_comments_and_busiest_hour(db):
    inbox = make_inbox("messenger")
    _comments(_thread(inbox, "p1"), ams(2026, 3, 31, 9, 5), 3)
    _comments(_thread(inbox, "p1"), ams(2026, 3, 31, 11, 5), 5)
    _comments(_thread(inbox, "p2"), ams(2026, 3, 31, 12, 5), 1)
    direct = make_conversation(inbox)
    make_message(direct, sent_at=ams(2026, 3, 31, 12, 0))  # not a comment
    posts = _summary(inbox)["public"]["posts"]
    assert [(p["post_id"], p["comments"], p["peak_per_hour"]) for p in posts] == [("p1", 8, 5), ("p2", 1, 1)]
    assert posts[0]["peak_hour"] == "2026-03-31T09:00:00+00:00"  # 11:05 Amsterdam summer time


def test_the_negative_share_counts_only_public_comments(db):
    inbox = make_inbox("instagram")
    thread = _thread(inbox)
    make_message(
        thread, kind="comment", text="Schandalig, slechte service, echt waardeloos!", sent_at=ams(2026, 3, 31, 10)
    )
    make_message(thread, kind="comment", text="Prachtig, geweldig, dank jullie wel!", sent_at=ams(2026, 3, 31, 10, 5))
    make_message(make_conversation(inbox), text="Slecht, waardeloos, boos!", sent_at=ams(2026, 3, 31, 11))
    inbox_day_rollup(inbox=inbox, day=date(2026, 3, 31), now=NOW)
    public = _summary(inbox)["public"]["sentiment"]
    assert (public["comments"], public["negative"], public["positive"]) == (2, 0.5, 0.5)


def test_the_dashboard_shows_the_spike_the_posts_and_the_public_private_split(client, db):
    now = timezone.now()
    inbox = make_inbox("instagram", name="Shop Instagram")
    _comments(_thread(inbox), now - timedelta(minutes=30), 12)
    make_message(make_conversation(inbox), sent_at=now - timedelta(minutes=5))
    today = timezone.localdate(now, ZoneInfo(inbox.time_zone))
    inbox_day_rollup(inbox=inbox, day=today, now=now)
    client.force_login(make_user("lea", role="lead"))
    period = {"period": "custom", "from": today.isoformat(), "to": today.isoformat()}
    html = client.get("/reports/", period).content.decode()
    assert 'data-testid="comment-spike"' in html and f"https://www.instagram.com/p/{POST}/" in html
    assert 'data-testid="report-posts"' in html
    assert 'data-testid="volume-public">1<' in html and 'data-testid="volume-private">1<' in html


def test_the_open_dashboard_asks_for_the_public_comments_section_alone_with_the_same_access(client, db):
    now = timezone.now()
    inbox, other = make_inbox("instagram", name="Shop Instagram"), make_inbox("whatsapp")
    _comments(_thread(inbox), now - timedelta(minutes=30), 12)
    client.force_login(make_user("lea", role="lead"))
    dashboard = client.get("/reports/", {"period": "7d"}).content.decode()
    assert 'hx-get="/reports/public/?' in dashboard and 'hx-trigger="every 60s"' in dashboard
    section = client.get("/reports/public/", {"period": "7d"}).content.decode()
    assert section.startswith("<section") and 'data-testid="comment-spike"' in section
    assert 'data-testid="post-spike"' in section and "Shop Instagram" in section and "Instagram" in section
    assert client.get("/reports/public/", {"period": "custom", "from": "nope", "to": "x"}).status_code == 400
    client.force_login(make_user("anna", inboxes=[other]))
    assert client.get("/reports/public/", {"period": "7d", "inbox": inbox.pk}).status_code == 404
    assert 'data-testid="comment-spike"' not in client.get("/reports/public/", {"period": "7d"}).content.decode()


def test_a_spike_the_open_page_shows_already_is_not_announced_again_at_each_refresh(client, db):
    now = timezone.now()
    inbox = make_inbox("instagram", name="Shop Instagram")
    _comments(_thread(inbox), now - timedelta(minutes=30), 12)
    client.force_login(make_user("lea", role="lead"))
    first = client.get("/reports/public/", {"period": "7d"}).content.decode()
    assert 'role="alert" data-testid="comment-spike"' in first
    assert f'"announced": "{POST}"' in first  # what the page sends back with its next refresh
    again = client.get("/reports/public/", {"period": "7d", "announced": POST}).content.decode()
    assert 'data-testid="comment-spike"' in again and 'role="alert"' not in again
    other = client.get("/reports/public/", {"period": "7d", "announced": "another-post"}).content.decode()
    assert 'role="alert" data-testid="comment-spike"' in other


def test_shares_and_changes_use_the_decimal_mark_of_the_readers_language():
    assert (percent(0.245), signed_percent(0.031), signed_percent(-0.5)) == ("24.5%", "+3.1%", "-50.0%")
    for language in ("nl", "de"):
        with translation.override(language):
            assert (percent(0.245), signed_percent(0.031), percent(None)) == ("24,5%", "+3,1%", "–")


def test_the_dashboard_names_a_post_by_its_caption_and_its_channel_in_words(client, db):
    """A lead recognises a post by what it says, not by the platform's id, and reads the
    channel as in the other tables ("Instagram", not the code's "instagram")."""
    now = timezone.now()
    inbox = make_inbox("instagram", name="Shop Instagram")
    thread = make_conversation(
        inbox,
        public=True,
        thread_key=POST,
        source={"kind": "post", "post_id": POST, "caption": "Nieuw binnen: de wollen winterjas in vijf kleuren."},
    )
    _comments(thread, now - timedelta(minutes=30), 12)
    today = timezone.localdate(now, ZoneInfo(inbox.time_zone))
    client.force_login(make_user("lea", role="lead"))
    period = {"period": "custom", "from": today.isoformat(), "to": today.isoformat()}

    html = client.get("/reports/", period).content.decode()

    posts = html.split('data-testid="report-posts"')[1].split("</table>")[0]
    assert '<th scope="row">Nieuw binnen: de wollen winterjas in vijf kleuren.</th><td>Instagram</td>' in posts
    assert f">{POST}<" not in posts  # the id is only the row's data attribute, not shown
    spike = html.split('data-testid="comment-spike"')[1].split("</p>")[0]
    assert "Nieuw binnen: de wollen winterjas" in spike and f">{POST}" not in spike and f"{POST}<" not in spike
