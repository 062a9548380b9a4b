"""The FAQ bot in a real browser: a visitor asks a known question in the widget and gets the
bot's answer; asks for a person, and an agent sees the conversation in the queue."""

import os

import pytest

from automation.models import BotStatus, ConversationAutomation, InboxAutomation
from inbox.models import Conversation
from tests.browser import LIVE_WAIT_MS
from tests.livechat.test_widget_e2e import (  # noqa: F401 - shared fixtures
    CHROMIUM,
    _messages,
    _wait,
    app_url,
    browser,
    host_site,
    livechat,
)

from .conftest import knowledge_load

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]


def test_visitor_gets_the_bots_answer_then_asks_for_a_person_and_an_agent_sees_it_queued(browser, livechat):  # noqa: F811
    from playwright.sync_api import expect

    # given a live chat whose FAQ bot is on, and a knowledge base
    InboxAutomation.objects.create(inbox=livechat["inbox"], bot_enabled=True)
    knowledge_load()
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(livechat["url"])

    # when the visitor asks a known question
    page.get_by_test_id("webcare-launcher").click()
    page.get_by_test_id("webcare-input").fill("How much does shipping cost?")
    page.get_by_test_id("webcare-send").click()

    # then the bot's answer arrives in the widget
    answers = _messages(page).and_(page.locator("[data-direction=out]"))
    expect(answers).to_have_count(1, timeout=LIVE_WAIT_MS)
    expect(answers.first).to_contain_text("Shipping is free from 20 euros")
    conversation = _wait(lambda: Conversation.objects.filter(inbox=livechat["inbox"]).first())
    assert ConversationAutomation.objects.get(conversation=conversation).bot_status == BotStatus.ANSWERING

    # when the visitor taps the "talk to a person" button under the answer
    button = page.get_by_test_id("webcare-choice")
    expect(button).to_have_text("Talk to a person")
    button.click()
    expect(answers).to_have_count(2, timeout=LIVE_WAIT_MS)
    expect(answers.nth(1)).to_contain_text("colleague")

    # then an agent sees the conversation in the unassigned queue, with the reason
    agent_context = browser.new_context()
    agent = agent_context.new_page()
    agent.goto(f"{livechat['app']}/accounts/login/")
    agent.fill("#id_username", "anna")
    agent.fill("#id_password", "pw-secret-123")
    agent.click("button[type=submit]")
    agent.goto(f"{livechat['app']}/?view=unassigned")
    item = agent.locator(f'[data-testid="conversation-item"][data-conversation-id="{conversation.pk}"]')
    expect(item).to_have_count(1)
    item.locator("a").first.click()
    expect(agent.locator(".conversation-view")).to_contain_text("asked for a person")
    state = ConversationAutomation.objects.get(conversation=conversation)
    assert state.bot_status == BotStatus.HANDED_OVER
    agent_context.close()
    context.close()
