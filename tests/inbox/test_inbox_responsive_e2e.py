"""The agent inbox fits every screen, in a real Chromium: a wide desktop, a 1024x768 laptop and
a 390 px phone, where one pane shows at a time with a way back."""

import pytest
from playwright.sync_api import expect

from inbox.ingest import message_ingest
from tests.factories import inbound, make_inbox, make_message, make_user
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]


@pytest.fixture
def signed_in(app_url, browser):  # noqa: F811
    inbox = make_inbox("whatsapp", name="Shop")
    make_user("lea", role="lead", inboxes=[inbox], password="pw-secret-123")
    conversation = None
    for n in range(6):
        result = message_ingest(inbox=inbox, inbound=inbound(f"m{n}", name="Sanne de Vries", text=f"Vraag {n}"))
        conversation = result.message.conversation
    make_message(
        conversation,
        direction="out",
        sender_type="bot",
        kind="interactive",
        text="Hoe tevreden bent u?",
        content={"choices": [{"id": "survey:csat:5", "title": "5 😀"}, {"id": "survey:csat:1", "title": "1 😞"}]},
    )
    contexts = []

    def open_at(width, height):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{app_url}/accounts/login/")
        page.fill("#id_username", "lea")
        page.fill("#id_password", "pw-secret-123")
        page.click("button[type=submit]")
        page.wait_for_selector('[data-testid="conversation-item"]')
        return page

    yield open_at, conversation
    for context in contexts:
        context.close()


def _height(page, selector) -> float:
    return page.locator(selector).first.evaluate("e => e.getBoundingClientRect().height")


def _fits_across(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _topbar_fits(page) -> bool:
    return page.evaluate(
        "(() => { const bar = document.querySelector('.topbar');"
        " return bar.scrollWidth <= bar.clientWidth && bar.getBoundingClientRect().height <= 64; })()"
    )


@pytest.mark.parametrize("width, height, least", [(1440, 900, 450), (1024, 768, 330)])
def test_desktop_and_laptop_leave_room_for_the_messages(signed_in, width, height, least):
    open_at, conversation = signed_in
    page = open_at(width, height)
    page.click(f'[data-conversation-id="{conversation.pk}"] a')
    expect(page.locator('[data-testid="composer-input"]')).to_be_visible()
    shown = _height(page, "#timeline")
    print(f"\nmessage area at {width}x{height}: {shown:.0f} px")
    assert shown >= least
    assert _topbar_fits(page) and _fits_across(page)
    expect(page.locator('[data-testid="composer-send"]')).to_be_in_viewport()
    # the survey question reads as the bot's, with the choices it offered, not as a choice
    question = page.locator('[data-testid="message"]', has_text="Hoe tevreden bent u?")
    expect(question.locator('[data-testid="bot-label"]')).to_be_visible()
    expect(question).not_to_contain_text("Chose")
    expect(question.locator(".offered-choices li")).to_have_count(2)


def test_a_phone_shows_one_pane_at_a_time_with_a_way_back(signed_in):
    open_at, conversation = signed_in
    page = open_at(390, 844)
    assert _topbar_fits(page) and _fits_across(page)
    # the list first, alone
    expect(page.locator('[data-testid="conversation-item"]').first).to_be_in_viewport()
    # tapping a conversation shows it, alone, with room for the messages and the composer
    page.click(f'[data-conversation-id="{conversation.pk}"] a')
    expect(page.locator('[data-testid="composer-input"]')).to_be_in_viewport()
    expect(page.locator(".pane.list")).to_be_hidden()
    shown = _height(page, "#timeline")
    print(f"\nmessage area at 390x844: {shown:.0f} px")
    assert shown >= 300 and _fits_across(page)
    expect(page.locator('[data-testid="composer-send"]')).to_be_in_viewport()
    # the contact panel is a pane of its own, and each has a way back
    page.click('[data-testid="show-contact"]')
    expect(page.locator("#contact-panel")).to_be_in_viewport()
    expect(page.locator("#timeline")).to_be_hidden()
    page.click('[data-testid="back-to-conversation"]')
    expect(page.locator("#timeline")).to_be_visible()
    page.click('[data-testid="back-to-list"]')
    expect(page.locator('[data-testid="conversation-item"]').first).to_be_in_viewport()
    expect(page.locator("#timeline")).to_be_hidden()
    # the views are one tap away too
    page.click('[data-testid="show-views"]')
    expect(page.locator('[data-testid="view-count"][data-view="all"]')).to_be_in_viewport()
