"""Messenger in the agent's browser: a customer's text and photo arrive live with the Messenger
icon, the agent's reply goes out through the Send API (with mark_seen on opening), a reply
sent from the Page's own inbox shows as sent outside Webcare, and the composer explains the
HUMAN_AGENT tag once the standard window has passed."""

import json
import time

import pytest
import requests
from django.utils import timezone

from inbox.models import Attachment, Conversation
from tests.browser import LIVE_WAIT_MS
from tests.channels_messenger.fakes import PAGE_ID, PSID, graph, page_inbox, sign  # noqa: F401 - fixtures
from tests.factories import make_user
from tests.inbox.test_inbox_e2e_whatsapp import log_in, open_conversation
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM, reason="needs Debian's chromium"),
]

PHOTO = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256


def page_event(event: dict) -> bytes:
    now = int(time.time() * 1000)
    body = {"object": "page", "entry": [{"id": PAGE_ID, "time": now, "messaging": [{"timestamp": now, **event}]}]}
    return json.dumps(body).encode()


def customer(message: dict) -> dict:
    return {"sender": {"id": PSID}, "recipient": {"id": PAGE_ID}, "message": message}


def post(app_url, inbox, body: bytes) -> None:  # noqa: F811
    response = requests.post(
        app_url + inbox.webhook_path,
        data=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(body)},
        timeout=10,
    )
    assert response.status_code == 200, response.text


def wait_for(predicate, timeout: float = 5):
    deadline = time.monotonic() + timeout
    while not (found := predicate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def test_messenger_in_the_inbox_from_webhook_to_send_api(app_url, browser, graph, page_inbox):  # noqa: F811
    make_user("anna", inboxes=[page_inbox])
    post(app_url, page_inbox, page_event(customer({"mid": "m_e2e_1", "text": "Hoi! Waar blijft mijn pakket?"})))
    conversation = Conversation.objects.get(inbox=page_inbox)
    context, page = log_in(browser, app_url, "anna")
    try:
        item = page.locator(f'[data-conversation-id="{conversation.pk}"]')
        assert item.locator(".channel-messenger").count() == 1
        open_conversation(page, conversation.pk)
        # opening it tells Messenger the Page has seen it
        assert wait_for(lambda: [b for b in graph.send_bodies() if b.get("sender_action") == "mark_seen"])

        # a photo arrives live, downloaded from the CDN into our storage
        graph.cdn("v/photo-e2e.jpg", PHOTO)
        image = {"type": "image", "payload": {"url": f"{graph.base}/files/v/photo-e2e.jpg"}}
        post(app_url, page_inbox, page_event(customer({"mid": "m_e2e_2", "attachments": [image]})))
        page.wait_for_selector(
            '[data-testid="message"][data-direction="in"] img.attachment-image', timeout=LIVE_WAIT_MS
        )
        assert Attachment.objects.get(message__external_id="m_e2e_2").sha256

        # the agent replies: a RESPONSE through the Send API, marked ours for the echo
        page.fill('[data-testid="composer-input"]', "Hij is onderweg, morgen in huis 📦")
        page.keyboard.press("Enter")
        page.wait_for_selector('[data-testid="message-status"] >> text=Sent', timeout=LIVE_WAIT_MS)
        sent = [b for b in graph.send_bodies() if "message" in b and b["message"].get("text")][-1]
        assert sent["recipient"] == {"id": PSID} and sent["messaging_type"] == "RESPONSE"
        assert sent["message"]["text"] == "Hij is onderweg, morgen in huis 📦"

        # a colleague answers from the Page's own inbox: the history stays complete
        echo = {
            "sender": {"id": PAGE_ID},
            "recipient": {"id": PSID},
            "message": {"is_echo": True, "mid": "m_e2e_echo", "text": "Groet, Business Suite"},
        }
        post(app_url, page_inbox, page_event(echo))
        page.wait_for_selector(
            '[data-testid="message"][data-direction="out"] >> text=Sent outside Webcare', timeout=LIVE_WAIT_MS
        )

        # two days later only the HUMAN_AGENT tag may answer: the composer says so
        Conversation.objects.filter(pk=conversation.pk).update(
            last_customer_message_at=timezone.now() - timezone.timedelta(days=2)
        )
        page.reload()
        page.wait_for_selector(".conversation-view")
        assert "HUMAN_AGENT" in page.locator("#composer").inner_text()
        assert page.errors == []
    finally:
        context.close()
