"""A lead sets up automation in the browser: a rule written in words, an inbox's hours."""

import pytest

from automation.models import Rule
from inbox.models import Inbox
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
