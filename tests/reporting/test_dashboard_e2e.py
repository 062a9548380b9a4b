"""The lead dashboard in a real headless Chromium (and its screenshot for the README/docs)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from reporting.services import reports_rollup, survey_response_record
from tests.factories import make_inbox, make_user
from tests.livechat.test_widget_e2e import CHROMIUM, app_url, browser  # noqa: F401 - shared fixtures

from .conftest import Timeline

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_a_lead_picks_a_period_and_reads_the_tables(app_url, browser):  # noqa: F811
    # given: today, two agents answered three customers in two inboxes
    whatsapp, livechat = make_inbox("whatsapp", name="Shop WhatsApp"), make_inbox("livechat", name="Website")
    anna, ben = make_user("anna", inboxes=[whatsapp, livechat]), make_user("ben", inboxes=[livechat])
    make_user("lea", role="lead", password="pw-secret-123")
    now = timezone.now()
    for n, (inbox, agent, wait, text) in enumerate(
        [
            (whatsapp, anna, 240, "Top service, bedankt!"),
            (livechat, ben, 90, "Wo bleibt mein Paket?"),
            (livechat, anna, 2400, "This is unacceptable, the app crashes"),
        ]  # fmt: skip
    ):
        start = now - timedelta(hours=3 - n)
        chat = Timeline(inbox, assignee=agent).created(start)
        chat.customer(start, text)
        chat.agent(start + timedelta(seconds=wait), agent)
        if n == 0:
            chat.conversation.tags.create(name="compliment")
            survey_response_record(conversation=chat.conversation, kind="csat", score=5)
    reports_rollup()
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # a CSP violation (inline script or style) shows up as a console error
    page.on("console", lambda message: "Content Security Policy" in message.text and errors.append(message.text))
    try:
        page.goto(f"{app_url}/accounts/login/")
        page.fill("#id_username", "lea")
        page.fill("#id_password", "pw-secret-123")
        page.click("button[type=submit]")
        # when: the lead opens the reports and picks "Today"
        page.goto(f"{app_url}/reports/")
        page.check('input[name=period][value="today"]')
        page.click(".report-filters button[type=submit]")
        page.wait_for_selector('[data-testid="report-agents"]')
        # then
        # the agents who answered, and the lead herself: online since she signed in
        agents = page.locator('[data-testid="report-agents"] tbody tr')
        assert agents.count() == 3
        assert "anna" in agents.nth(0).inner_text() and "ben" in agents.nth(1).inner_text()
        assert "lea" in agents.nth(2).inner_text()
        volume = page.locator('[data-testid="report-volume"]').inner_text()
        assert "Live chat" in volume and "WhatsApp" in volume and "livechat" not in volume  # channel names, not ids
        assert "compliment" in page.locator('[data-testid="report-tags"]').inner_text()
        # the charts are drawn by the vendored Chart.js under the strict CSP
        for chart in ("volume", "first-response", "service-level", "feedback", "sentiment", "tags"):
            assert page.evaluate(f"!!Chart.getChart('chart-{chart}')"), chart
        counted = "Chart.getChart('chart-first-response').data.datasets[0].data.reduce((a, b) => a + b)"
        assert page.evaluate(counted) == 3
        page.screenshot(path=str(SCREENSHOTS / "reports.png"), full_page=True)
        assert errors == []
    finally:
        context.close()
