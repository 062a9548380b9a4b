"""Instagram in the agent's browser: a customer's comment under a post appears as a public
conversation with its post; the agent answers it privately with one click; the Instagram
Direct conversation opens with the private reply; the customer's answer by DM lands there; the
public thread shows that it was answered privately."""

import json
import time

import pytest
import requests
from playwright.sync_api import expect

from inbox.models import Conversation
from tests.browser import LIVE_WAIT_MS, wait_longer_for_live_updates
from tests.channels_instagram.fakes import ACCOUNT_ID, IGSID, PAGE_ID, graph, ig_inbox, sign  # noqa: F401 - fixtures
from tests.factories import make_user
from tests.inbox.test_inbox_e2e_whatsapp import log_in, open_conversation
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM, reason="needs Debian's chromium"),
]

COMMENT_ID = "17900000000000042"
MEDIA_ID = "18000000000000042"


def instagram_body(**entry) -> bytes:
    now = int(time.time() * 1000)
    return json.dumps({"object": "instagram", "entry": [{"id": ACCOUNT_ID, "time": now, **entry}]}).encode()


def post(app_url, inbox, body: bytes) -> None:  # noqa: F811
    response = requests.post(
        app_url + inbox.webhook_path,
        data=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(body)},
        timeout=10,
    )
    assert response.status_code == 200, response.text


def test_a_comment_answered_privately_continues_in_instagram_direct(app_url, browser, graph, ig_inbox):  # noqa: F811
    wait_longer_for_live_updates()
    make_user("anna", inboxes=[ig_inbox])
    comment = {
        "field": "comments",
        "value": {
            "from": {"id": IGSID, "username": "sanne.dv"},
            "media": {"id": MEDIA_ID, "media_product_type": "FEED"},
            "id": COMMENT_ID,
            "text": "Wat kost deze jas?",
        },
    }
    post(app_url, ig_inbox, instagram_body(changes=[comment]))
    public = Conversation.objects.get(inbox=ig_inbox, public=True)
    context, page = log_in(browser, app_url, "anna")
    try:
        open_conversation(page, public.pk)
        expect(page.get_by_test_id("public-badge")).to_be_visible()
        expect(page.get_by_test_id("post-card")).to_contain_text(MEDIA_ID)
        expect(page.get_by_test_id("public-banner")).to_contain_text("Everyone can read your reply")
        expect(page.locator('[data-testid="message"][data-direction="in"]')).to_contain_text("Wat kost deze jas?")

        # one click answers the comment in private (Meta's Private Reply)
        page.fill('[data-testid="composer-input"]', "Ik stuur u de prijs in een DM")
        page.get_by_test_id("reply-privately").click()
        expect(page.get_by_test_id("replied-privately")).to_be_visible(timeout=LIVE_WAIT_MS)
        sent = [r.json for r in graph.sent() if r.path == f"/{PAGE_ID}/messages"]
        assert sent == [{"recipient": {"comment_id": COMMENT_ID}, "message": {"text": "Ik stuur u de prijs in een DM"}}]

        # the Instagram Direct conversation opens with the private reply
        page.get_by_test_id("replied-privately").get_by_role("link").click()
        direct = Conversation.objects.get(inbox=ig_inbox, public=False)
        expect(page.locator(f'.conversation-view[data-conversation-id="{direct.pk}"]')).to_be_visible()
        expect(page.get_by_test_id("public-badge")).to_have_count(0)
        expect(page.locator('[data-testid="message"][data-direction="out"]')).to_contain_text(
            "Ik stuur u de prijs in een DM"
        )

        # the customer answers by DM: it lands in the same direct conversation, live
        now = int(time.time() * 1000)
        answer = {
            "sender": {"id": IGSID},
            "recipient": {"id": ACCOUNT_ID},
            "timestamp": now,
            "message": {"mid": "aWdfE2EANSWER", "text": "Dank u! En in maat L?"},
        }
        post(app_url, ig_inbox, instagram_body(messaging=[answer]))
        expect(page.locator('[data-testid="message"][data-direction="in"]')).to_contain_text(
            "Dank u! En in maat L?", timeout=LIVE_WAIT_MS
        )
        assert Conversation.objects.filter(inbox=ig_inbox).count() == 2

        # back in the public thread: answered privately
        page.get_by_test_id("public-conversation-link").click()
        expect(page.locator(f'.conversation-view[data-conversation-id="{public.pk}"]')).to_be_visible()
        expect(page.get_by_test_id("replied-privately")).to_contain_text("Replied privately")
        assert page.errors == []
    finally:
        context.close()
