# ruff: noqa: F811 - the browser fixtures are imported by name
"""Starting an email from a contact's page in a real headless Chromium: the agent types a
subject and the text, a real SMTP server (aiosmtpd) receives the email with that subject, and
the customer's answer (In-Reply-To only) appears in the same conversation, live."""

import pytest
from playwright.sync_api import expect

from crm.services import contact_create
from inbox.models import Conversation, Message
from tests.browser import LIVE_WAIT_MS, wait_longer_for_live_updates
from tests.factories import make_user
from tests.livechat.test_widget_e2e import CHROMIUM, _wait, app_url, browser  # noqa: F401 - shared fixtures

from .helpers import deliver, mail

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]


def test_an_agent_starts_an_email_from_the_contact_and_the_answer_threads_back(
    app_url, browser, email_inbox, smtp_server
):
    wait_longer_for_live_updates()
    lena = make_user("lena", role="lead", inboxes=[email_inbox])
    lena.first_name = "Lena"
    lena.save()
    sanne = contact_create(name="Sanne de Vries", email="sanne@example.org")
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: "Content Security Policy" in m.text and errors.append(m.text))
    try:
        page.goto(f"{app_url}/accounts/login/")
        page.fill("#id_username", "lena")
        page.fill("#id_password", "pw-secret-123")
        page.click("button[type=submit]")
        page.wait_for_selector("#conversation-list")
        page.goto(f"{app_url}/contacts/{sanne.pk}/")
        option = page.get_by_test_id("start-option").filter(has_text="Acme Support")
        option.get_by_label("Subject").fill("Your order 1042 is ready")
        option.get_by_label("Message").fill("You can pick it up from tomorrow.")
        option.get_by_test_id("start-send").click()
        page.wait_for_selector(".conversation-view")
        conversation = Conversation.objects.get(contact=sanne)
        assert f"c={conversation.pk}" in page.url

        [received] = _wait(lambda: smtp_server.received, timeout=LIVE_WAIT_MS / 1000)
        sent = received["message"]
        assert received["to"] == ["sanne@example.org"]
        assert sent["Subject"] == "Your order 1042 is ready"
        assert sent["From"] == "Lena from Acme <support@acme.test>"
        outgoing = page.locator('[data-testid="message"][data-direction="out"]')
        expect(outgoing).to_contain_text("Your order 1042 is ready")
        expect(outgoing).to_contain_text("You can pick it up from tomorrow.")

        _row, outcome = deliver(
            email_inbox,
            mail(
                sender="Sanne <sanne@example.org>",
                subject="Re: Your order 1042 is ready",
                text="Great, see you tomorrow!",
                in_reply_to=sent["Message-ID"],
            ),
        )
        assert outcome == "message"
        assert Message.objects.get(direction="in").conversation_id == conversation.pk
        expect(page.locator('[data-testid="message"][data-direction="in"]')).to_contain_text("Great, see you tomorrow!")
        assert errors == []
    finally:
        context.close()
