"""A lead sets up automation in the browser: a rule written in words, an inbox's hours."""

import pytest
from playwright.sync_api import expect

from automation.models import Rule
from inbox.models import Inbox, Tag
from tests.factories import make_inbox, make_user
from tests.inbox.test_inbox_e2e_whatsapp import log_in
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM, reason="needs Debian's chromium"),
]


def test_a_lead_writes_a_rule_and_sets_business_hours(app_url, browser):  # noqa: F811
    inbox = make_inbox("livechat", name="Webshop")
    make_user("lea", role="lead", inboxes=[inbox])
    context, page = log_in(browser, app_url, "lea")
    try:
        page.click("text=Automation")
        page.wait_for_selector('[data-testid="rule-form"]')
        page.fill("#id_name", "Refunds")
        page.fill("#id_conditions_lines", "text contains refund")
        page.fill("#id_actions_lines", "add_tag refund\nset_priority high")
        page.click('[data-testid="rule-save"]')
        page.wait_for_selector('[data-testid="rules-table"] >> text=Refunds')
        assert Rule.objects.get(name="Refunds").actions[1] == {"type": "set_priority", "value": "high"}

        page.click('[data-testid="inbox-settings-link"] >> text=Webshop')
        page.wait_for_selector('[data-testid="automation-form"]')
        page.fill("#id_hours-mon", "09:00-17:00")
        page.fill("#id_hours-holidays", "2026-12-25")
        page.check("#id_automation-bot_enabled")
        page.click('[data-testid="automation-save"]')
        page.wait_for_selector('[data-testid="open-now"]')
        inbox = Inbox.objects.get(pk=inbox.pk)
        assert inbox.business_hours["mon"] == [["09:00", "17:00"]] and inbox.automation.bot_enabled
        assert page.errors == []  # includes anything the Content-Security-Policy blocked
    finally:
        context.close()


def test_a_lead_picks_tags_for_a_rule_from_the_tag_list(app_url, browser):  # noqa: F811
    inbox = make_inbox("livechat", name="Webshop")
    make_user("lea", role="lead", inboxes=[inbox])
    for name in ("vip", "refund request", "returns"):
        Tag.objects.create(name=name)
    context, page = log_in(browser, app_url, "lea")
    try:
        page.goto(app_url + "/automation/rules/")
        page.fill("#id_name", "VIP refunds")
        page.click("#id_conditions_lines")
        page.keyboard.type("tag v")
        options = page.locator('[data-testid="line-tag-options"]').first
        expect(options.locator('[data-testid="picker-option"]')).to_have_text(["vip"])
        page.keyboard.press("Enter")
        expect(page.locator("#id_conditions_lines")).to_have_value("tag vip")

        page.click("#id_actions_lines")
        page.keyboard.type("set_priority high\nadd_tag ref")
        page.locator('[data-testid="picker-option"] >> text=refund request').click()
        expect(page.locator("#id_actions_lines")).to_have_value("set_priority high\nadd_tag refund request")
        page.click('[data-testid="rule-save"]')
        page.wait_for_selector('[data-testid="rules-table"] >> text=VIP refunds')
        rule = Rule.objects.get(name="VIP refunds")
        assert rule.conditions == [{"field": "tag", "value": "vip"}]
        assert rule.actions[1] == {"type": "add_tag", "value": "refund request"}
        assert page.errors == []
    finally:
        context.close()
