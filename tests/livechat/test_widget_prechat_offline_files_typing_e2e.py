"""More of the widget in a real headless Chromium on a cross-origin host page: the pre-chat
form, the offline notice, attachments, the agent's typing, the unread badge and "seen".

Fixtures (uvicorn in a thread, the cross-origin host page, the browser) come from test_widget_e2e.
"""

import base64
import os
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from django.utils import timezone

from crm.models import ContactIdentity, MergeSuggestion
from crm.services import contact_phone_add
from inbox.models import Availability, Conversation, Message
from tests.browser import LIVE_WAIT_MS
from tests.factories import make_contact, make_conversation, make_inbox, make_token, make_user
from tests.livechat.test_widget_e2e import (  # noqa: F401 - shared fixtures
    CHROMIUM,
    _agent_reply,
    _messages,
    _wait,
    app_url,
    browser,
    host_site,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]

# A 1x1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@pytest.fixture
def make_chat(app_url, host_site):  # noqa: F811
    """make_chat(config=..., **inbox fields) -> {inbox, url, app, token, agent}: a live-chat
    inbox embedded on the host page, with Anna online as its agent."""
    from livechat.snippet import snippet_for

    origin, embed = host_site

    def make(config=None, **fields):
        inbox = make_inbox(
            "livechat", name="Demo shop", config={"allowed_origins": [origin], **(config or {})}, **fields
        )
        agent = make_user("anna", inboxes=[inbox])
        agent.first_name = "Anna"
        agent.save()
        agent.agent_profile.availability = Availability.ONLINE
        agent.agent_profile.save()
        return {
            "inbox": inbox,
            "url": embed(snippet_for(inbox)),
            "app": app_url,
            "token": make_token(agent),
            "agent": agent,
        }

    return make


def _api(chat, method, path, **kwargs):
    return requests.request(
        method, chat["app"] + path, headers={"Authorization": f"Token {chat['token']}"}, timeout=10, **kwargs
    )


def _shadow(page, selector):
    """Playwright's CSS locators pierce the widget's open shadow root."""
    return page.locator(f"webcare-chat {selector}")


def test_prechat_form_asks_the_configured_fields_and_a_known_phone_only_suggests_a_merge(browser, make_chat):  # noqa: F811
    from playwright.sync_api import expect

    # Sanne is known from WhatsApp.
    whatsapp = make_conversation(make_inbox("whatsapp"), contact=make_contact(name="Sanne", phone="+31612345678"))
    sanne = whatsapp.contact
    contact_phone_add(contact=sanne, raw="+31612345678")
    chat = make_chat({"prechat": {"name": "required", "email": "optional", "phone": "optional"}})

    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(chat["url"])
    page.get_by_test_id("webcare-launcher").click()
    name, email, phone = page.get_by_label("Name (required)"), page.get_by_label("Email"), page.get_by_label("Phone")
    expect(name).to_be_visible()
    expect(email).to_be_visible()
    expect(phone).to_be_visible()
    expect(_shadow(page, "input[name=email]")).to_have_attribute("type", "email")
    assert page.get_by_label("Email (required)").count() == 0

    # Required name missing: marked, nothing sent.
    page.get_by_test_id("webcare-input").fill("Is my order on its way?")
    page.get_by_test_id("webcare-send").click()
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Please fill in the marked fields.")).to_be_visible()
    expect(_messages(page)).to_have_count(0)

    name.fill("Sanne de Vries")
    email.fill("sanne@example.com")
    phone.fill("06 1234 5678")  # national form of her WhatsApp number
    page.get_by_test_id("webcare-send").click()
    mine = _messages(page).and_(page.locator("[data-direction=in]"))
    expect(mine).to_have_count(1)
    expect(mine.first).not_to_contain_text("Sending")
    expect(name).to_be_hidden()  # asked once

    conversation = _wait(lambda: Conversation.objects.filter(inbox=chat["inbox"]).first())
    # A typed number proves nothing: the visitor gets a contact of their own, holding what they
    # typed, and an agent is asked whether the two are one customer.
    assert conversation.contact_id != sanne.pk
    visitor = conversation.contact
    assert visitor.email == "sanne@example.com" and visitor.phone == "+31612345678"
    sanne.refresh_from_db()
    assert sanne.email == ""
    assert set(ContactIdentity.objects.filter(contact=sanne).values_list("channel", flat=True)) == {"whatsapp"}
    _wait(lambda: MergeSuggestion.objects.filter(reason="same_phone").exists())
    # The agent sees the contact's details with the conversation.
    detail = _api(chat, "GET", f"/api/v1/conversations/{conversation.pk}/")
    assert detail.status_code == 200 and "sanne@example.com" in detail.text

    # A reload neither asks again nor loses the message.
    page.reload()
    expect(_messages(page)).to_have_count(1)
    expect(name).to_have_count(0)
    context.close()


def test_outside_business_hours_the_widget_says_so_and_takes_message_and_email(browser, make_chat):  # noqa: F811
    from playwright.sync_api import expect

    # Open only on the day after tomorrow (UTC): closed now, opening known.
    opens = (timezone.now() + timedelta(days=2)).weekday()
    chat = make_chat(business_hours={DAYS[opens]: [["09:00", "17:00"]]}, time_zone="UTC")

    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(chat["url"])
    page.get_by_test_id("webcare-launcher").click()
    notice = page.get_by_text("We're not here right now.")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("We're back")
    expect(page.get_by_text("We're away")).to_be_visible()
    email = page.get_by_label("Email (required)")
    expect(email).to_be_visible()

    page.get_by_test_id("webcare-input").fill("Can I return my shoes?")
    email.fill("not-an-address")
    page.get_by_test_id("webcare-send").click()
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(_messages(page)).to_have_count(0)

    email.fill("jan@example.com")
    page.get_by_test_id("webcare-send").click()
    mine = _messages(page).and_(page.locator("[data-direction=in]"))
    expect(mine).to_have_count(1)
    expect(mine.first).not_to_contain_text("Sending")

    # The conversation exists for agents, with the email to answer to.
    conversation = _wait(lambda: Conversation.objects.filter(inbox=chat["inbox"]).first())
    listed = _api(chat, "GET", "/api/v1/conversations/")
    assert listed.status_code == 200 and str(conversation.pk) in listed.text
    messages = _api(chat, "GET", f"/api/v1/conversations/{conversation.pk}/messages/")
    assert "Can I return my shoes?" in messages.text
    assert conversation.contact.email == "jan@example.com"
    context.close()


def test_an_attachment_from_the_widget_within_the_shown_limits_reaches_the_agent(browser, make_chat):  # noqa: F811
    from playwright.sync_api import expect

    chat = make_chat(
        {"attachments": {"types": ["image/png", "application/pdf"]}, "limits": {"attachment_max_bytes": 1048576}}
    )
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(chat["url"])
    page.get_by_test_id("webcare-launcher").click()
    # The limits are shown before choosing a file.
    expect(page.get_by_text("Images, PDF up to 1 MB")).to_be_visible()
    file_input = _shadow(page, "input[type=file]")
    expect(file_input).to_have_attribute("accept", "image/png,application/pdf")
    expect(page.get_by_label("Attach a file (Images, PDF up to 1 MB)")).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('webcare-chat').shadowRoot.querySelector('header small').textContent !== ''"
    )  # the session is ready

    # Too large and the wrong type are refused in the widget, before any upload.
    uploads = []
    page.on("request", lambda r: uploads.append(r.url) if "/upload/" in r.url else None)
    file_input.set_input_files({"name": "big.png", "mimeType": "image/png", "buffer": PNG + b"\0" * 1_100_000})
    expect(page.get_by_text("That file is too large.")).to_be_visible()
    file_input.set_input_files({"name": "run.zip", "mimeType": "application/zip", "buffer": b"PK\x03\x04"})
    expect(page.get_by_text("That type of file can't be sent.")).to_be_visible()
    assert uploads == [] and Message.objects.count() == 0

    file_input.set_input_files({"name": "receipt.png", "mimeType": "image/png", "buffer": PNG})
    mine = _messages(page).and_(page.locator("[data-direction=in]"))
    expect(mine).to_have_count(1)
    expect(mine.first.locator("img")).to_have_attribute("alt", "receipt.png")
    expect(mine.first).not_to_contain_text("Sending")
    expect(mine.first).not_to_contain_text("Not sent")
    # The visitor's own signed link serves the image.
    src = mine.first.locator("img").get_attribute("src")
    assert requests.get(src, timeout=10).content == PNG

    # The agent sees the attachment through the API and can download it.
    conversation = _wait(lambda: Conversation.objects.filter(inbox=chat["inbox"]).first())
    messages = _api(chat, "GET", f"/api/v1/conversations/{conversation.pk}/messages/").json()
    rows = messages["results"] if isinstance(messages, dict) else messages
    (attachment,) = [a for row in rows for a in row["attachments"]]
    assert attachment["url"]
    assert attachment["mime_type"] == "image/png" and attachment["filename"] == "receipt.png"
    agent = Client()
    agent.force_login(chat["agent"])  # attachment links are for signed-in agents
    download = agent.get(urlsplit(attachment["url"]).path)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    context.close()


def test_seen_agent_typing_and_the_unread_badge(browser, make_chat):  # noqa: F811
    from playwright.sync_api import expect

    chat = make_chat()
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(chat["url"])
    launcher = page.get_by_test_id("webcare-launcher")
    launcher.click()
    page.get_by_test_id("webcare-input").fill("Hello?")
    page.get_by_test_id("webcare-input").press("Enter")
    mine = _messages(page).and_(page.locator("[data-direction=in]"))
    expect(mine.first).not_to_contain_text("Sending")
    conversation = _wait(lambda: Conversation.objects.filter(inbox=chat["inbox"]).first())
    expect(mine.first).not_to_contain_text("Seen")

    # The agent reads the conversation: "Seen" in the widget.
    seen = _api(chat, "POST", f"/livechat/conversations/{conversation.pk}/seen/")
    assert seen.status_code == 200 and seen.json() == {"seen": 1}
    expect(mine.first).to_contain_text("Seen")

    # The agent types: "Anna is typing…", hidden again when she stops.
    typing = _api(chat, "POST", f"/livechat/conversations/{conversation.pk}/typing/", json={"typing": True})
    assert typing.status_code == 200
    expect(page.get_by_text("Anna is typing…")).to_be_visible()
    _api(chat, "POST", f"/livechat/conversations/{conversation.pk}/typing/", json={"typing": False})
    expect(page.get_by_text("Anna is typing…")).to_have_count(0)

    # With the panel closed, replies count on the launcher.
    page.get_by_role("button", name="Close chat").first.click()
    badge = _shadow(page, ".l .b")
    expect(badge).to_be_hidden()
    _api(chat, "POST", f"/livechat/conversations/{conversation.pk}/typing/", json={"typing": True})
    _agent_reply(chat, conversation.pk, "Hi! How can I help?")
    expect(badge).to_have_text("1")
    expect(launcher).to_have_attribute("aria-label", "Open chat (1 new)")
    _agent_reply(chat, conversation.pk, "Still there?")
    expect(badge).to_have_text("2")

    # Opening the chat clears the count and shows the replies; the typing line is gone.
    launcher.click()
    expect(badge).to_be_hidden()
    expect(_messages(page)).to_have_count(3)
    expect(page.get_by_text("Anna is typing…")).to_have_count(0)
    context.close()


def test_the_agent_inbox_and_the_widget_show_each_other_typing_and_seen(browser, make_chat):  # noqa: F811
    """Both sides in the browser: the agent's inbox page (static/inbox/inbox.js) and the widget."""
    from playwright.sync_api import expect

    chat = make_chat()
    visitor = browser.new_context(locale="en-US").new_page()
    visitor.goto(chat["url"])
    visitor.get_by_test_id("webcare-launcher").click()
    visitor.get_by_test_id("webcare-input").fill("Anyone there?")
    visitor.get_by_test_id("webcare-input").press("Enter")
    mine = _messages(visitor).and_(visitor.locator("[data-direction=in]"))
    expect(mine.first).not_to_contain_text("Sending")
    conversation = _wait(lambda: Conversation.objects.filter(inbox=chat["inbox"]).first())

    agent = browser.new_context(locale="en-US").new_page()
    errors = []
    agent.on("pageerror", lambda error: errors.append(str(error)))
    agent.goto(f"{chat['app']}/accounts/login/")
    agent.fill("#id_username", "anna")
    agent.fill("#id_password", "pw-secret-123")
    agent.click("button[type=submit]")
    # Opening the conversation marks it seen in the widget.
    agent.click(f'[data-conversation-id="{conversation.pk}"] a')
    expect(agent.locator(".conversation-view")).to_have_attribute("data-channel", "livechat")
    expect(mine.first).to_contain_text("Seen")

    # The agent types in the composer: the visitor sees it.
    agent.get_by_test_id("composer-input").press_sequentially("Yes, ")
    expect(visitor.get_by_text("Anna is typing…")).to_be_visible()

    # The visitor types (after the widget's own throttle): the agent sees it above the composer.
    line = agent.locator("#typing-line")
    expect(line).to_be_hidden()
    visitor.wait_for_timeout(2100)
    visitor.get_by_test_id("webcare-input").press_sequentially("ok")
    expect(line).to_be_visible()
    expect(line).to_be_hidden(timeout=LIVE_WAIT_MS)  # and it fades when they stop
    assert errors == []
    visitor.context.close()
    agent.context.close()
