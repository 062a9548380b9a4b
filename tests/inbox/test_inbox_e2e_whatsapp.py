"""The agent inbox with a WhatsApp inbox, in a real headless Chromium against the real ASGI app:
signed webhooks in, replies out to the fake Graph API, two agents side by side, hostile text,
keyboard, canned responses, bulk actions. Takes the README's screenshots on the way."""

import json
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from inbox.models import CannedResponse, Conversation, Message, Tag
from tests.browser import LIVE_WAIT_MS
from tests.channels_whatsapp.fakes import PHONE_NUMBER_ID, graph, sign, wa_inbox  # noqa: F401 - fixtures
from tests.factories import make_user
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> Waar blijft mijn pakket?'


def whatsapp_text(message_id: str, text: str, *, wa_id: str = "31612345678", name: str = "Sanne de Vries") -> bytes:
    """A WhatsApp Cloud API text webhook, sent now (so the 24-hour window is open)."""
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "31201234567", "phone_number_id": PHONE_NUMBER_ID},
                            "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
                            "messages": [
                                {
                                    "from": wa_id,
                                    "id": message_id,
                                    "timestamp": str(int(time.time())),
                                    "type": "text",
                                    "text": {"body": text},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    return json.dumps(payload).encode()


def post_webhook(app_url, inbox, body: bytes) -> None:  # noqa: F811
    response = requests.post(
        app_url + inbox.webhook_path,
        data=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(body)},
        timeout=10,
    )
    assert response.status_code == 200, response.text


def wait_for_sends(graph, kind: str, timeout: float = 5) -> list:  # noqa: F811
    """Messages of one type the fake Graph API received (the send runs after the response)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [r for r in graph.sent() if r.json.get("type") == kind]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def log_in(browser, app_url, username, *, width=1280, height=800):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    # anything our Content-Security-Policy blocked is a bug in our pages
    page.on("console", lambda m: "Content Security Policy" in m.text and page.errors.append(m.text))
    page.goto(f"{app_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-secret-123")
    page.click("button[type=submit]")
    page.wait_for_selector("#conversation-list")
    # ready: the script runs and the live socket is open
    page.wait_for_function("() => window.webcareInboxSocket && window.webcareInboxSocket().readyState === 1")
    return context, page


def open_conversation(page, conversation_id):
    page.click(f'[data-conversation-id="{conversation_id}"] a')
    page.wait_for_selector(f'.conversation-view[data-conversation-id="{conversation_id}"]')


@pytest.fixture
def team(wa_inbox):  # noqa: F811
    anna = make_user("anna", inboxes=[wa_inbox])
    anna.first_name, anna.last_name = "Anna", "de Boer"
    anna.save()
    ben = make_user("ben", inboxes=[wa_inbox])
    ben.first_name = "Ben"
    ben.save()
    return anna, ben


def test_webhook_in_reply_out_live_and_safe(app_url, browser, graph, wa_inbox, team):  # noqa: F811
    post_webhook(app_url, wa_inbox, whatsapp_text("wamid.e2e.1", XSS))
    conversation = Conversation.objects.get(inbox=wa_inbox)
    context, page = log_in(browser, app_url, "anna")
    try:
        item = page.locator(f'[data-conversation-id="{conversation.pk}"]')
        assert item.locator('[data-testid="unread-count"]').inner_text() == "1"
        assert page.title().startswith("(1) ")
        page.screenshot(path=str(SCREENSHOTS / "inbox.png"))

        # opening it shows the hostile text as text, runs nothing, and marks it read
        open_conversation(page, conversation.pk)
        bubble = page.locator('[data-testid="message"][data-direction="in"]').first
        assert "<script>" in bubble.inner_text() and "onerror" in bubble.inner_text()
        assert page.evaluate("window.__xss") is None
        assert page.locator('[data-testid="message"] img').count() == 0
        page.wait_for_function("() => !document.title.startsWith('(')")

        # reply with Enter: the fake Graph API receives the WhatsApp send with the bearer token
        page.fill('[data-testid="composer-input"]', "Hallo Sanne, ik kijk het na! 📦")
        page.keyboard.press("Enter")
        page.wait_for_selector('[data-testid="message"][data-direction="out"] >> text=ik kijk het na')
        sent = wait_for_sends(graph, "text")[0]
        assert sent.headers["authorization"] == "Bearer EAAG-test-token"
        assert sent.json["to"] == "31612345678" and sent.json["text"]["body"] == "Hallo Sanne, ik kijk het na! 📦"
        # opening the conversation marked the customer's message read (blue ticks on their phone)
        read = [r.json for r in graph.sent() if r.json.get("status") == "read"]
        assert read and read[0]["message_id"] == "wamid.e2e.1"
        page.wait_for_selector('[data-testid="message-status"] >> text=Sent')

        # a new webhook message appears live, without a reload, in the open conversation
        page.evaluate("window.__notReloaded = true")
        post_webhook(app_url, wa_inbox, whatsapp_text("wamid.e2e.2", "Dank je! Nog één vraag"))
        page.wait_for_selector('[data-testid="message"] >> text=Nog één vraag', timeout=LIVE_WAIT_MS)
        # ... and a new customer shows up in the list
        post_webhook(app_url, wa_inbox, whatsapp_text("wamid.e2e.3", "Guten Tag!", wa_id="4915112345678", name="Jonas"))
        page.wait_for_selector('[data-testid="conversation-item"] >> text=Jonas', timeout=LIVE_WAIT_MS)
        assert page.evaluate("window.__notReloaded") is True
        page.locator(".conversation-view").screenshot(path=str(SCREENSHOTS / "conversation.png"))
        page.locator("#contact-panel").screenshot(path=str(SCREENSHOTS / "contact-panel.png"))
        assert page.errors == []
    finally:
        context.close()


def test_two_agents_see_each_other_and_who_is_replying(app_url, browser, graph, wa_inbox, team):  # noqa: F811
    post_webhook(app_url, wa_inbox, whatsapp_text("wamid.e2e.10", "Hallo?"))
    conversation = Conversation.objects.get(inbox=wa_inbox)
    anna_context, anna = log_in(browser, app_url, "anna")
    ben_context, ben = log_in(browser, app_url, "ben")
    try:
        open_conversation(anna, conversation.pk)
        open_conversation(ben, conversation.pk)
        # each learns about the other: the newcomer asks, the one already there answers
        ben.wait_for_selector('[data-testid="presence"] >> text=Anna de Boer is viewing', timeout=LIVE_WAIT_MS)
        anna.wait_for_selector('[data-testid="presence"] >> text=Ben is viewing', timeout=LIVE_WAIT_MS)
        anna.type('[data-testid="composer-input"]', "Ik pak hem op")
        ben.wait_for_selector('[data-testid="presence"] >> text=Anna de Boer is replying', timeout=LIVE_WAIT_MS)
        ben.locator(".conversation-header").screenshot(path=str(SCREENSHOTS / "collision.png"))
        # Anna assigns it to herself: Ben's header follows live
        anna.fill('[data-testid="composer-input"]', "")
        anna.locator('[data-testid="composer-input"]').blur()
        anna.click('[data-testid="assign-me"]')
        ben.wait_for_function(
            "sel => document.querySelector(sel).selectedOptions[0].textContent.includes('Anna')",
            arg='[data-testid="assignee-select"]',
            timeout=LIVE_WAIT_MS,
        )
        anna_context.close()
        ben.wait_for_selector('[data-testid="presence"]', state="hidden", timeout=LIVE_WAIT_MS)
        assert ben.errors == []
    finally:
        ben_context.close()


def test_keyboard_canned_responses_notes_and_bulk(app_url, browser, graph, wa_inbox, team):  # noqa: F811
    for n, (wa_id, name) in enumerate([("31611111111", "Eva"), ("31622222222", "Finn"), ("31633333333", "Gijs")]):
        post_webhook(app_url, wa_inbox, whatsapp_text(f"wamid.e2e.k{n}", f"Vraag {n}", wa_id=wa_id, name=name))
    CannedResponse.objects.create(shortcut="levertijd", title="Levertijd", text="We leveren binnen 2 werkdagen.")
    context, page = log_in(browser, app_url, "anna")
    try:
        # ? shows the shortcuts, j/k move, Enter opens
        page.keyboard.press("?")
        assert page.locator("#shortcuts").is_visible()
        page.keyboard.press("Escape")
        page.keyboard.press("j")
        page.keyboard.press("j")
        page.keyboard.press("k")
        focused_id = page.evaluate("document.activeElement.closest('.conversation-item').dataset.conversationId")
        page.keyboard.press("Enter")
        page.wait_for_selector(f'.conversation-view[data-conversation-id="{focused_id}"]')

        # n: a private note, visibly different and never sent
        page.keyboard.press("n")
        assert page.evaluate("document.getElementById('composer').classList.contains('note-mode')")
        page.keyboard.type("Klant belt morgen terug")
        page.keyboard.press("Enter")
        page.wait_for_selector(".private-note >> text=Klant belt morgen terug")

        # r: reply, `/lev` picks the canned response, Enter inserts it, Enter sends
        page.keyboard.press("Escape")
        page.keyboard.press("r")
        page.keyboard.type("Hoi! /lev")
        page.wait_for_selector('[data-testid="canned-option"] >> text=/levertijd')
        page.keyboard.press("Enter")
        assert page.input_value('[data-testid="composer-input"]') == "Hoi! We leveren binnen 2 werkdagen."
        page.keyboard.press("Enter")
        page.wait_for_selector('[data-testid="message"][data-direction="out"] >> text=binnen 2 werkdagen')
        note = Message.objects.get(private=True)
        assert note.conversation_id == int(focused_id) and note.status == "sent"
        assert [r.json["text"]["body"] for r in wait_for_sends(graph, "text")] == [
            "Hoi! We leveren binnen 2 werkdagen."
        ]

        # a: assign to me, e: resolve (and the next conversation of the list opens)
        page.keyboard.press("Escape")
        page.keyboard.press("a")
        page.wait_for_selector('[data-testid="assign-me"]', state="detached")
        with page.expect_response(lambda r: r.url.endswith("/seen/")):  # the next one is opened and read
            page.keyboard.press("e")
        page.wait_for_selector(f'.conversation-view:not([data-conversation-id="{focused_id}"])')
        resolved = Conversation.objects.get(pk=focused_id)
        assert resolved.status == "resolved" and resolved.assignee.username == "anna"

        # bulk: select the two others, tag them from the picker
        Tag.objects.get_or_create(name="vraag")  # agents apply the tags leads keep
        page.goto(app_url + "/")
        # The socket's catch-up refresh of the list on connect would drop boxes checked before it.
        page.wait_for_function("() => window.webcareInboxSocket && window.webcareInboxSocket()?.readyState === 1")
        page.wait_for_load_state("networkidle")
        boxes = page.locator(".bulk-pick")
        boxes.nth(0).check()
        boxes.nth(1).check()
        page.wait_for_selector('[data-testid="bulk-bar"]', state="visible")
        page.fill('[data-testid="bulk-tags-input"]', "vra")
        page.click('[data-testid="bulk-bar"] [data-testid="picker-option"] >> text=vraag')
        expect(page.locator('[data-testid="bulk-bar"] [data-testid="tag-chip"]')).to_have_count(1)
        page.click('[data-testid="bulk-bar"] button[value="tag"]')
        page.wait_for_selector('[data-testid="bulk-bar"]', state="hidden")
        page.wait_for_selector(".conversation-item .tag >> text=vraag")
        # the next bulk action starts with no tags picked
        expect(page.locator('[data-testid="bulk-bar"] [data-testid="tag-chip"]')).to_have_count(0)
        tagged = Conversation.objects.filter(tags__name="vraag")
        assert tagged.count() == 2 and resolved.pk not in set(tagged.values_list("pk", flat=True))
        assert page.errors == []
    finally:
        context.close()


AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-4.10.3.min.js"


def test_a_live_list_refresh_keeps_ticked_conversations(app_url, browser, graph, wa_inbox, team):  # noqa: F811
    for n, (wa_id, name) in enumerate([("31611111111", "Eva"), ("31622222222", "Finn")]):
        post_webhook(app_url, wa_inbox, whatsapp_text(f"wamid.e2e.t{n}", f"Vraag {n}", wa_id=wa_id, name=name))
    Tag.objects.get_or_create(name="terugbellen")  # agents apply the tags leads keep
    context, page = log_in(browser, app_url, "anna")
    try:
        boxes = page.locator(".bulk-pick")
        boxes.nth(0).check()
        boxes.nth(1).check()
        page.wait_for_selector('[data-testid="bulk-bar"]', state="visible")
        ticked = set(page.eval_on_selector_all(".bulk-pick:checked", "els => els.map(e => e.value)"))

        # a new customer writes while the agent is choosing what to do with the two
        post_webhook(
            app_url, wa_inbox, whatsapp_text("wamid.e2e.t9", "Nog een vraag", wa_id="31699999999", name="Hugo")
        )
        page.wait_for_selector(".conversation-item >> text=Hugo", timeout=LIVE_WAIT_MS)

        assert set(page.eval_on_selector_all(".bulk-pick:checked", "els => els.map(e => e.value)")) == ticked
        assert page.locator('[data-testid="bulk-bar"]').is_visible()
        page.fill('[data-testid="bulk-tags-input"]', "terug")
        page.keyboard.press("Enter")
        page.click('[data-testid="bulk-bar"] button[value="tag"]')
        page.wait_for_selector(".conversation-item .tag >> text=terugbellen")
        tagged = Conversation.objects.filter(tags__name="terugbellen").values_list("pk", flat=True)
        assert {str(pk) for pk in tagged} == ticked
        assert page.errors == []
    finally:
        context.close()


def axe_violations(page) -> list[str]:
    page.evaluate(AXE.read_text())  # evaluated by the test driver: our CSP forbids injected script tags
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("language", ["en", "nl", "de"])
def test_the_inbox_passes_wcag_aa_checks(app_url, browser, graph, wa_inbox, team, language):  # noqa: F811
    post_webhook(app_url, wa_inbox, whatsapp_text("wamid.e2e.a11y", "Hallo, een vraag over mijn bestelling"))
    conversation = Conversation.objects.get(inbox=wa_inbox)
    context, page = log_in(browser, app_url, "anna")
    try:
        page.select_option('[data-testid="language-select"]', language)
        page.wait_for_selector(f'html[lang="{language}"]')
        open_conversation(page, conversation.pk)
        assert axe_violations(page) == []
    finally:
        context.close()


def test_a_dropped_websocket_reconnects_and_catches_up(app_url, browser, graph, wa_inbox, team):  # noqa: F811
    post_webhook(app_url, wa_inbox, whatsapp_text("wamid.e2e.r1", "Eerste bericht"))
    conversation = Conversation.objects.get(inbox=wa_inbox)
    context, page = log_in(browser, app_url, "anna")
    try:
        open_conversation(page, conversation.pk)
        page.evaluate("window.__notReloaded = true")
        # the connection drops; while it is down a message and a new customer arrive
        page.evaluate("window.webcareInboxSocket().close()")
        page.wait_for_function("() => window.webcareInboxSocket().readyState === WebSocket.CLOSED")
        post_webhook(app_url, wa_inbox, whatsapp_text("wamid.e2e.r2", "Gemist tijdens de storing"))
        post_webhook(app_url, wa_inbox, whatsapp_text("wamid.e2e.r3", "Ik ook", wa_id="4915100000000", name="Lena"))
        # it reconnects by itself and fetches what it missed
        page.wait_for_selector('[data-testid="message"] >> text=Gemist tijdens de storing', timeout=LIVE_WAIT_MS)
        page.wait_for_selector('[data-testid="conversation-item"] >> text=Lena', timeout=LIVE_WAIT_MS)
        page.wait_for_function("() => window.webcareInboxSocket().readyState === WebSocket.OPEN")
        assert page.evaluate("window.__notReloaded") is True
    finally:
        context.close()


def test_search_finds_a_message_and_opens_the_conversation_at_it(app_url, browser, graph, wa_inbox, team):  # noqa: F811
    post_webhook(app_url, wa_inbox, whatsapp_text("wamid.e2e.s1", "Mijn bestelling 88123 is beschadigd"))
    for n in range(12):
        post_webhook(app_url, wa_inbox, whatsapp_text(f"wamid.e2e.s{n + 2}", f"Nog een bericht {n}"))
    message = Message.objects.get(external_id="wamid.e2e.s1")
    context, page = log_in(browser, app_url, "anna")
    try:
        page.keyboard.press("/")
        page.keyboard.type("beschadig")
        hit = page.locator(f'[data-testid="search-result"][data-message-id="{message.pk}"]')
        hit.wait_for(timeout=LIVE_WAIT_MS)
        assert hit.locator("mark").first.inner_text().lower().startswith("beschadig")
        hit.locator("a").click()
        page.wait_for_selector(f"#message-{message.pk}.highlighted")
        assert f"m={message.pk}" in page.url
        assert page.locator(f"#message-{message.pk}").is_visible()  # scrolled into view
    finally:
        context.close()


def test_an_agent_attaches_a_file_and_reacts_from_the_browser(app_url, browser, graph, wa_inbox, team, tmp_path):  # noqa: F811
    post_webhook(app_url, wa_inbox, whatsapp_text("wamid.e2e.files", "Kunt u de factuur sturen?"))
    conversation = Conversation.objects.get(inbox=wa_inbox)
    invoice = tmp_path / "factuur-2026-118.pdf"
    invoice.write_bytes(b"%PDF-1.4 factuur 118")
    context, page = log_in(browser, app_url, "anna")
    try:
        open_conversation(page, conversation.pk)
        page.set_input_files('[data-testid="composer-file"]', str(invoice))
        assert page.locator("#attach-names").inner_text() == "factuur-2026-118.pdf"
        page.fill('[data-testid="composer-input"]', "Hierbij de factuur")
        page.keyboard.press("Enter")
        page.wait_for_selector('[data-testid="message"][data-direction="out"] a.file >> text=factuur-2026-118.pdf')
        # the composer is empty again, file included
        page.wait_for_function("() => document.getElementById('attach-names').textContent === ''")
        assert page.evaluate("document.querySelector('[data-testid=composer-file]').files.length") == 0
        sent = wait_for_sends(graph, "document")[0].json
        assert (
            sent["document"]["filename"] == "factuur-2026-118.pdf"
            and sent["document"]["caption"] == "Hierbij de factuur"
        )
        assert b"%PDF-1.4 factuur 118" in graph.sent("/media")[0].body

        # react to the customer's question from its menu: shown on the bubble, sent to WhatsApp
        question = page.locator('[data-testid="message"][data-direction="in"]').first
        question.locator('[data-testid="react"]').click()
        question.locator('button[aria-label="React with 👍"]').click()
        page.wait_for_selector('[data-testid="message"][data-direction="in"] .reaction >> text=👍')
        assert wait_for_sends(graph, "reaction")[0].json["reaction"] == {"message_id": "wamid.e2e.files", "emoji": "👍"}

        # a file WhatsApp cannot take is refused with the reason and the text stays
        big = tmp_path / "film.mp4"
        big.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (16 * 1024 * 1024))  # an MP4 by its bytes
        page.set_input_files('[data-testid="composer-file"]', str(big))
        page.fill('[data-testid="composer-input"]', "Het filmpje")
        page.click('[data-testid="composer-send"]')
        page.wait_for_selector("text=16 MB")
        assert page.input_value('[data-testid="composer-input"]') == "Het filmpje"
        assert page.errors == []
    finally:
        context.close()
