"""Crisis signals of public comments on the lead dashboard, in a real headless Chromium against
the real ASGI app: comments arrive as signed Instagram `comments` and Facebook `feed` webhooks
through the inboxes' real webhook URLs; a post with a steady history gets a burst of angry
comments while the lead has the reports open, and the spike warning appears without a reload.
The figures on the page are the report service's, the page reads in Dutch and German, and an
agent of another inbox cannot open any of it."""

import json
import re
from datetime import timedelta

import pytest
import requests
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from inbox.models import Message
from reporting.kpis import summary_compute
from reporting.services import reports_rollup
from reporting.templatetags.reporting import percent
from tests.browser import LIVE_WAIT_MS
from tests.factories import make_inbox, make_user
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures
from tests.meta_graph import Answer, FakeGraph, Recorded, error_answer, serve, sign

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]

IG_ACCOUNT, IG_SECRET = "17841400000000077", "ig-crisis-secret"
PAGE_ID, PAGE_SECRET = "108123456789077", "page-crisis-secret"
IG_POST = "18000000000000777"  # the post that gets the burst
IG_PERMALINK = "https://www.instagram.com/p/CrisisJas777/"
FB_POST = f"{PAGE_ID}_555"  # a busy post that stays within its usual rate
FB_PERMALINK = f"https://www.facebook.com/{PAGE_ID}/posts/pfbid0crisis"
HAPPY = "Prachtig, geweldig, dank jullie wel!"
ANGRY = "Schandalig, slechte service, echt waardeloos!"
QUESTION = "Wanneer komt de nieuwe collectie?"


def _graph_default(fake: FakeGraph, method: str, path: str, recorded: Recorded) -> Answer | None:
    if method == "GET" and path == f"/{IG_POST}":  # the post card's details
        return Answer(json={"id": IG_POST, "caption": "Onze nieuwe winterjas", "permalink": IG_PERMALINK})
    if method == "GET" and path.lstrip("/").isdigit():  # commenters gave no consent for a profile
        return Answer(status=400, json=error_answer(230, "User consent is required").json)
    return None


@pytest.fixture
def graph(settings):
    yield from serve(FakeGraph(_graph_default), settings)


@pytest.fixture
def inboxes(db):
    credentials = {"access_token": "EAAM-crisis", "verify_token": "v"}
    instagram = make_inbox(
        "instagram",
        name="Instagram @modehuis",
        external_id=IG_ACCOUNT,
        credentials={**credentials, "app_secret": IG_SECRET},
        config={"login": "facebook", "page_id": PAGE_ID},
        time_zone="Europe/Amsterdam",
    )
    page = make_inbox(
        "messenger",
        name="Facebook Modehuis",
        external_id=PAGE_ID,
        credentials={**credentials, "app_secret": PAGE_SECRET},
        time_zone="Europe/Amsterdam",
    )
    return instagram, page


class Meta:
    """Comments and direct messages as Meta sends them, signed, to the inboxes' real URLs."""

    def __init__(self, app_url, instagram, page):  # noqa: F811
        self.app_url, self.instagram, self.page = app_url, instagram, page
        self.ids = iter(range(1, 10_000))

    def _post(self, inbox, secret: str, payload: dict) -> None:
        body = json.dumps(payload).encode()
        response = requests.post(
            self.app_url + inbox.webhook_path,
            data=body,
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, secret)},
            timeout=60,
        )
        assert response.status_code == 200, response.text

    def instagram_comments(self, comments: list[tuple]) -> None:
        """(moment, commenter number, text) each; Instagram gives no comment time, only the
        entry's, so each comment is an entry of its own (as Meta batches them)."""
        entries = []
        for at, who, text in comments:
            value = {
                "from": {"id": f"99000000000{who:04d}", "username": f"klant.{who}"},
                "media": {"id": IG_POST, "media_product_type": "FEED"},
                "id": f"179000000{next(self.ids):08d}",
                "text": text,
            }
            entries.append(
                {"id": IG_ACCOUNT, "time": int(at.timestamp()), "changes": [{"field": "comments", "value": value}]}
            )
        self._post(self.instagram, IG_SECRET, {"object": "instagram", "entry": entries})

    def facebook_comments(self, comments: list[tuple]) -> None:
        changes = []
        for at, who, text in comments:
            comment_id = f"555_{next(self.ids)}"
            value = {
                "from": {"id": f"24680000000{who:04d}", "name": f"Klant {who}"},
                "post": {"id": FB_POST, "permalink_url": FB_PERMALINK, "status_type": "added_photos"},
                "post_id": FB_POST,
                "created_time": int(at.timestamp()),
                "item": "comment",
                "verb": "add",
                "message": text,
                "comment_id": comment_id,
                "parent_id": FB_POST,
            }
            changes.append({"field": "feed", "value": value})
        self._post(
            self.page,
            PAGE_SECRET,
            {
                "object": "page",
                "entry": [{"id": PAGE_ID, "time": int(timezone.now().timestamp() * 1000), "changes": changes}],
            },
        )

    def direct_messages(self, text: str) -> None:
        """One direct message to each inbox: private conversations, not comments."""
        now_ms = int(timezone.now().timestamp() * 1000)
        for inbox, secret, account, obj in (
            (self.instagram, IG_SECRET, IG_ACCOUNT, "instagram"),
            (self.page, PAGE_SECRET, PAGE_ID, "page"),
        ):
            messaging = {
                "sender": {"id": "5550000000000001"},
                "recipient": {"id": account},
                "timestamp": now_ms,
                "message": {"mid": f"m_crisis_{next(self.ids)}", "text": text},
            }
            self._post(
                inbox, secret, {"object": obj, "entry": [{"id": account, "time": now_ms, "messaging": [messaging]}]}
            )


def _history(now):
    """Twelve whole clock hours before the last hour: the Instagram post gets 3 happy comments
    an hour (usual 3), the Facebook post 2 (usual 2)."""
    cut = (now - timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    instagram, facebook = [], []
    for hour in range(1, 13):
        start = cut - timedelta(hours=hour)
        instagram += [(start + timedelta(minutes=10 * (n + 1)), (hour + n) % 6, HAPPY) for n in range(3)]
        facebook += [(start + timedelta(minutes=15 + 20 * n), (hour + n) % 4, HAPPY) for n in range(2)]
    return instagram, facebook


def _log_in(browser, app_url, username):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda m: "Content Security Policy" in m.text and page.errors.append(m.text))
    page.goto(f"{app_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-secret-123")
    page.click("button[type=submit]")
    page.wait_for_selector("#conversation-list")
    return context, page


def _row(page, post_id: str):
    return page.locator(f'[data-testid="report-posts"] tbody tr[data-post-id="{post_id}"]')


@pytest.fixture
def fast_live_dashboard(settings):
    """The dashboard's live part asks every second instead of every minute."""
    settings.WEBCARE_REPORTS_LIVE_SECONDS = 1


def test_a_lead_sees_a_comment_spike_arrive_live_with_the_services_figures_in_three_languages(
    app_url,  # noqa: F811
    browser,  # noqa: F811
    graph,
    inboxes,
    fast_live_dashboard,
):
    from reporting.access import access_report_filter

    instagram, page_inbox = inboxes
    lead = make_user("lea", role="lead")
    make_user("ben", inboxes=[make_inbox("whatsapp", name="Shop WhatsApp")])
    meta = Meta(app_url, instagram, page_inbox)
    # given: a normal history, the Facebook post busier than usual (12 now, usual 2 an hour:
    # not 10 times), five comments on the Instagram post so far this hour, and two angry
    # direct messages (not public: they count in no public share)
    start = timezone.now()
    ig_history, fb_history = _history(start)
    meta.instagram_comments(ig_history)
    meta.facebook_comments(fb_history)
    meta.facebook_comments(
        [(start - timedelta(minutes=40) + timedelta(seconds=20 * n), n % 4, QUESTION) for n in range(12)]
    )
    meta.instagram_comments(
        [(start - timedelta(minutes=30) + timedelta(seconds=20 * n), n % 6, HAPPY) for n in range(5)]
    )
    meta.direct_messages("Slecht, waardeloos, boos!")
    assert Message.objects.filter(kind="comment").count() == 36 + 24 + 12 + 5
    reports_rollup()
    context, page = _log_in(browser, app_url, "lea")
    try:
        # when: the lead opens the reports (the last 7 days)
        page.goto(f"{app_url}/reports/")
        section = page.locator('[data-testid="report-public"]')
        expect(section).to_be_visible()
        expect(_row(page, IG_POST)).to_be_visible()
        assert page.locator('[data-testid="comment-spike"]').count() == 0  # 12 on Facebook is not 10 x 2
        # and a burst of angry comments comes in on the Instagram post
        burst_at = timezone.now()
        meta.instagram_comments([(burst_at - timedelta(seconds=n), 6 + n % 9, ANGRY) for n in range(25)])
        # then: the warning appears on the open page, naming the post, with the figures
        spike = page.locator('[data-testid="comment-spike"]')
        expect(spike).to_have_count(1, timeout=LIVE_WAIT_MS)
        expect(spike).to_contain_text("30 comments in the last hour")
        expect(spike).to_contain_text("10.0 times its usual 3.0 an hour")
        expect(spike).to_contain_text("Instagram @modehuis")
        assert spike.locator("a").get_attribute("href") == IG_PERMALINK
        # the post leads "top posts" with the warning on its row; the Facebook post has none
        expect(_row(page, IG_POST).locator('[data-testid="post-spike"]')).to_be_visible()
        assert _row(page, FB_POST).locator('[data-testid="post-spike"]').count() == 0
        assert page.locator('[data-testid="report-posts"] tbody tr').first.get_attribute("data-post-id") == IG_POST

        # the roll-up scores the new comments: the negative share follows, and the volume
        # table splits each channel's conversations into public and private
        reports_rollup()
        page.reload()
        expect(page.locator('[data-testid="comment-spike"]')).to_have_count(1)
        lead_filter = access_report_filter(lead, _period(page))
        summary = summary_compute(report_filter=lead_filter)
        public = summary["public"]
        # the service's figures, which are also the hand-counted ones
        assert [(p["post_id"], p["comments"]) for p in public["posts"]] == [(IG_POST, 66), (FB_POST, 36)]
        assert [(s["post_id"], s["last_hour"], s["usual_per_hour"], s["factor"]) for s in public["spikes"]] == [
            (IG_POST, 30, 3.0, 10.0)
        ]
        assert (public["sentiment"]["counts"]["negative"], public["sentiment"]["comments"]) == (25, 102)
        volume = {c: (v["public_conversations"], v["private_conversations"]) for c, v in summary["volume"].items()}
        assert (volume["instagram"], volume["messenger"]) == ((15, 1), (4, 1))
        # and the page shows exactly them
        for post in public["posts"]:
            cells = _row(page, post["post_id"]).locator("td")
            assert cells.nth(2).inner_text() == str(post["comments"]), post
            assert cells.nth(3).inner_text() == str(post["peak_per_hour"]), post
        assert _row(page, IG_POST).locator("td").nth(0).inner_text() == "Instagram"  # the channel's name, not its id
        assert _row(page, FB_POST).locator("td").nth(0).inner_text() == "Messenger"
        negative = page.locator('[data-testid="public-sentiment"]').inner_text()
        assert percent(public["sentiment"]["negative"]) in negative and "24.5%" in negative and "102" in negative
        for label, channel in (("Instagram", "instagram"), ("Messenger", "messenger")):
            row = page.locator('[data-testid="report-volume"] tbody tr', has=page.get_by_role("rowheader", name=label))
            shown = (
                row.locator('[data-testid="volume-public"]').inner_text(),
                row.locator('[data-testid="volume-private"]').inner_text(),
            )
            assert shown == tuple(str(n) for n in volume[channel]), label

        # in Dutch and German: the section's labels in the reader's language, no English left
        for language in ("nl", "de"):
            page.select_option('[data-testid="language-select"]', language)
            page.wait_for_selector(f'html[lang="{language}"]')
            expect(page.locator('[data-testid="comment-spike"]')).to_have_count(1)
            text = page.locator('[data-testid="report-public"]').inner_text()
            with translation.override(language):
                for english in LABELS:
                    translated = gettext(english)
                    assert translated != english, f"{language}: {english!r} has no translation"
                    assert translated in text, f"{language}: {translated!r} not shown"
                    assert not re.search(rf"\b{re.escape(english)}\b", text), f"{language}: {english!r} left in English"
            factor = "10,0"  # numbers written the reader's way
            assert factor in page.locator('[data-testid="comment-spike"]').inner_text()
            assert "24,5%" in page.locator('[data-testid="public-sentiment"]').inner_text()
        assert page.errors == []
    finally:
        context.close()

    # an agent of another inbox: that inbox's report and its live part are 404, and their own
    # report shows nothing of the post
    context, page = _log_in(browser, app_url, "ben")
    try:
        for path in (f"/reports/?inbox={instagram.pk}", f"/reports/public/?inbox={instagram.pk}&period=7d"):
            assert page.goto(app_url + path).status == 404, path
        page.goto(f"{app_url}/reports/")
        expect(page.locator('[data-testid="report-public"]')).to_be_visible()
        assert page.locator('[data-testid="comment-spike"]').count() == 0
        assert IG_POST not in page.content() and "modehuis" not in page.content()
    finally:
        context.close()


# The section's labels, each checked to be shown translated in Dutch and German.
LABELS = [
    "Public comments",
    "Negative public comments",
    "Post",
    "Channel",
    "Comments",
    "Most in one hour",
    "Now",
    "Open the post",
]


def _period(page) -> dict:
    """The period the page shows (from/to of its filter form), as the dashboard reads it."""
    return {
        "from": page.input_value('.report-filters input[name="from"]'),
        "to": page.input_value('.report-filters input[name="to"]'),
    }
