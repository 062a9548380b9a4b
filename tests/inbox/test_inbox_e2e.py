"""The agent inbox in a real headless Chromium against the real ASGI app (uvicorn in a thread)."""

import pytest

from inbox.ingest import message_ingest
from inbox.models import Message
from tests.browser import LIVE_WAIT_MS
from tests.factories import inbound, make_inbox, make_user
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]


@pytest.fixture
def agent_page(app_url, browser):  # noqa: F811
    inbox = make_inbox("livechat", name="Website")
    make_user("anna", inboxes=[inbox], password="pw-secret-123")
    first = message_ingest(inbox=inbox, inbound=inbound("m1", sender_id="v1", name="Sanne", text="Hoi, een vraag"))
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{app_url}/accounts/login/")
    page.fill("#id_username", "anna")
    page.fill("#id_password", "pw-secret-123")
    page.click("button[type=submit]")
    page.wait_for_selector('[data-testid="conversation-item"]')
    yield page, inbox, first.message.conversation, errors
    context.close()


def test_an_agent_opens_a_conversation_replies_and_sees_new_messages_live(agent_page):
    page, inbox, conversation, errors = agent_page
    # when the agent opens the conversation and replies with Enter
    page.click(f'[data-conversation-id="{conversation.pk}"] a')
    page.wait_for_selector('[data-testid="composer-input"]')
    assert f"c={conversation.pk}" in page.url  # the view is bookmarkable
    page.fill('[data-testid="composer-input"]', "Hallo Sanne, waarmee kan ik helpen?")
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-testid="message"][data-direction="out"]')
    reply = Message.objects.get(conversation=conversation, direction="out")
    assert reply.text == "Hallo Sanne, waarmee kan ik helpen?" and reply.status == "sent"

    # then a new customer message (with HTML in it) appears without a reload, as text
    page.evaluate("window.__notReloaded = true")
    message_ingest(
        inbox=inbox, inbound=inbound("m2", sender_id="v1", text='<img src=x onerror="window.__xss=1"> nog iets')
    )
    page.wait_for_selector('[data-testid="message"][data-direction="in"] >> text=nog iets', timeout=LIVE_WAIT_MS)
    assert page.evaluate("window.__notReloaded") is True
    assert page.evaluate("window.__xss") is None
    assert page.locator('[data-testid="message"] img').count() == 0

    # and a brand-new conversation shows up in the list live
    other = message_ingest(inbox=inbox, inbound=inbound("m3", sender_id="v2", name="Max", text="Guten Tag")).message
    page.wait_for_selector(f'[data-conversation-id="{other.conversation_id}"]', timeout=LIVE_WAIT_MS)
    assert errors == []


def test_status_and_assignee_change_from_the_header(agent_page):
    page, inbox, conversation, errors = agent_page
    page.click(f'[data-conversation-id="{conversation.pk}"] a')
    page.wait_for_selector('[data-testid="status-select"]')
    with page.expect_response(lambda r: "/update/" in r.url):
        anna = page.locator('[data-testid="assignee-select"] option[data-name="anna"]').get_attribute("value")
        page.select_option('[data-testid="assignee-select"]', anna)
    page.wait_for_selector(".system-line >> text=Assigned to anna")  # the header was re-rendered
    with page.expect_response(lambda r: "/update/" in r.url):
        page.select_option('[data-testid="status-select"]', "resolved")
    page.wait_for_selector(".system-line >> text=resolved")
    conversation.refresh_from_db()
    assert conversation.status == "resolved" and conversation.assignee.username == "anna"
    assert errors == []


def test_live_chat_seen_and_typing_both_ways(agent_page):
    from kernel import realtime

    page, inbox, conversation, errors = agent_page
    # opening a live-chat conversation tells the widget the agent has read it
    with page.expect_response(lambda r: r.url.endswith("/seen/")) as seen:
        page.click(f'[data-conversation-id="{conversation.pk}"] a')
    assert seen.value.status == 200
    assert set(conversation.messages.filter(direction="in").values_list("status", flat=True)) == {"read"}

    # the agent typing is announced to the visitor (throttled to one call per 3 s)
    with page.expect_response(lambda r: r.url.endswith("/typing/")) as typing:
        page.type('[data-testid="composer-input"]', "Even kijken")
    assert typing.value.status == 204

    # the visitor typing shows up above the composer
    assert page.locator("#typing-line").is_hidden()
    realtime.publish_now(
        [realtime.conversation_group(conversation.pk)],
        {
            "type": realtime.EVENT_HANDLER_TYPE,
            "event": "visitor_typing",
            "conversation_id": conversation.pk,
            "typing": True,
        },
    )
    page.wait_for_selector("#typing-line", state="visible", timeout=LIVE_WAIT_MS)
    assert errors == []
