"""The lead dashboard at /reports/: tables of the summary, scoped like the API."""

from datetime import date

import pytest

from reporting.rollup import inbox_day_rollup
from tests.factories import make_inbox, make_user

from .conftest import ams

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_a_lead_reads_the_figures_as_tables(client, timeline):
    inbox = make_inbox("whatsapp", name="Shop WhatsApp")
    anna = make_user("anna", inboxes=[inbox])
    chat = timeline(inbox).created(ams(2026, 3, 31, 10, 0))
    chat.customer(ams(2026, 3, 31, 10, 0))
    chat.agent(ams(2026, 3, 31, 10, 4, 10), anna)
    inbox_day_rollup(inbox=inbox, day=date(2026, 3, 31), now=ams(2026, 4, 1, 0, 0))
    client.force_login(make_user("lea", role="lead"))
    response = client.get("/reports/", {"period": "custom", "from": "2026-03-31", "to": "2026-03-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="report-agents"' in html and "anna" in html
    assert "4 m 10 s" in html  # the first response, median and in Anna's row
    assert "Shop WhatsApp" in html


def test_the_dashboard_defaults_to_seven_days_and_refuses_bad_dates(client):
    client.force_login(make_user("lea", role="lead"))
    assert client.get("/reports/").status_code == 200
    assert client.get("/reports/", {"period": "custom", "from": "nope", "to": "2026-03-31"}).status_code == 400


def test_an_agent_cannot_open_another_inboxs_report(client):
    theirs, other = make_inbox("whatsapp"), make_inbox("messenger")
    client.force_login(make_user("anna", inboxes=[theirs]))
    assert client.get("/reports/", {"period": "7d", "inbox": other.pk}).status_code == 404
    assert client.get("/reports/", {"period": "7d", "inbox": theirs.pk}).status_code == 200
