"""Hostile texts, names and filenames in a real browser: the inbox list and conversation, the
contact panel and page, the contact list, the reports and the widget show them as text, run
nothing, and keep their layout.

Every hostile string tries to set `window.__pwned`; a page that ran any of them fails. Layout:
no element may stretch the page sideways (very long words must wrap).
"""

import pytest
import requests
from django.core.files.base import ContentFile
from django.utils import timezone

from crm.models import Contact
from inbox.models import Attachment, Conversation, Message
from tests.factories import make_user
from tests.inbox.test_inbox_e2e_whatsapp import log_in, open_conversation
from tests.livechat.test_widget_e2e import CHROMIUM, _wait, app_url, browser, host_site, livechat  # noqa: F401

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM, reason="needs Debian's chromium"),
]

HOSTILE = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 2">',
    '<svg onload="window.__pwned = 3"><circle r="5"/></svg>',
    '<a href="javascript:window.__pwned = 4">click me</a>',
    '"><iframe srcdoc="<script>parent.__pwned = 5</script>">',
    "{{ 7*7 }} {% debug %} ${7*7}",
    "\u202egnp.exe\u202c \u200f\u200e \x1b[31m red",
    "W" * 3000,
]
NAME = '<img src=x onerror="window.__pwned = 6">Zoë \u202eevil'
FILENAME = '<svg onload="window.__pwned=7">.pdf'


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_hostile_texts_are_shown_as_text_everywhere(app_url, browser, livechat):  # noqa: F811
    from tests.channels_whatsapp.fakes import PHONE_NUMBER_ID  # noqa: F401 - the WhatsApp shapes

    inbox = livechat["inbox"]
    make_user("lea", role="lead", inboxes=[inbox])

    # a visitor writes every hostile text through the real widget socket path (ingest)
    from inbox.ingest import message_ingest
    from tests.factories import inbound

    conversation = None
    for number, text in enumerate(HOSTILE):
        result = message_ingest(
            inbox=inbox, inbound=inbound(f"hostile-{number}", sender_id="v-hostile", name=NAME, text=text)
        )
        conversation = result.message.conversation
    Contact.objects.filter(pk=conversation.contact_id).update(name=NAME, notes="\n".join(HOSTILE[:3]))
    reply = Message.objects.create(
        conversation=conversation,
        inbox=inbox,
        direction="out",
        sender_type="agent",
        text="here",
        sent_at=timezone.now(),
    )
    attachment = Attachment(message=reply, kind="document", filename=FILENAME, mime_type="application/pdf", size=4)
    attachment.file.save("evil.pdf", ContentFile(b"%PDF"), save=True)
    conversation = Conversation.objects.get(pk=conversation.pk)

    context, page = log_in(browser, app_url, "lea")
    try:
        page.evaluate("() => { window.__pwned = 0 }")
        assert _no_sideways_scroll(page)
        open_conversation(page, conversation.pk)
        page.wait_for_selector("#contact-panel h2, #contact-panel a")
        bubbles = page.locator('[data-testid="message"][data-direction="in"]')
        assert bubbles.count() == len(HOSTILE)
        assert "<script>window.__pwned = 1</script>" in bubbles.first.inner_text()
        assert page.locator(".conversation-view svg, .conversation-view iframe").count() == 0
        assert page.locator('.conversation-view a[href^="javascript:"]').count() == 0
        assert _no_sideways_scroll(page), "a long word pushed the inbox sideways"

        for path in (f"/contacts/{conversation.contact_id}/", "/contacts/", "/reports/", "/inbox/search/?q=Zo"):
            page.goto(app_url + path)
            page.wait_for_load_state("networkidle")
            assert page.evaluate("() => window.__pwned || 0") == 0, f"{path} ran a hostile text"
            assert page.locator('a[href^="javascript:"]').count() == 0, path
            assert _no_sideways_scroll(page), f"{path} scrolls sideways"
        assert page.errors == []  # nothing blocked by the CSP, nothing thrown
    finally:
        context.close()

    # and the widget: a visitor's hostile text and an agent's hostile reply stay text there too
    visitor_context = browser.new_context(locale="en-US")
    visitor = visitor_context.new_page()
    try:
        visitor.goto(livechat["url"])
        visitor.evaluate("() => { window.__pwned = 0 }")
        visitor.get_by_test_id("webcare-launcher").click()
        visitor.get_by_test_id("webcare-input").fill(HOSTILE[2])
        visitor.get_by_test_id("webcare-send").click()
        mine = visitor.get_by_test_id("webcare-message")
        mine.first.wait_for()
        widget_conversation = _wait(
            lambda: Conversation.objects.exclude(pk=conversation.pk).filter(inbox=inbox).first()
        )
        requests.post(
            f"{livechat['app']}/api/v1/conversations/{widget_conversation.pk}/messages/",
            json={"text": HOSTILE[1] + " " + HOSTILE[3]},
            headers={"Authorization": f"Token {livechat['token']}"},
            timeout=10,
        ).raise_for_status()
        visitor.get_by_test_id("webcare-message").nth(1).wait_for()
        assert "onerror" in visitor.get_by_test_id("webcare-message").nth(1).inner_text()
        assert visitor.evaluate("() => window.__pwned || 0") == 0
        assert visitor.locator('a[href^="javascript:"]').count() == 0
    finally:
        visitor_context.close()
