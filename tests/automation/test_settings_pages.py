"""The leads' automation pages: rules written in words, business hours and settings per inbox."""

import pytest

from automation.models import InboxAutomation, Rule
from automation.settings_forms import actions_parse, conditions_parse
from inbox import business_hours
from inbox.models import Team
from tests.factories import make_inbox, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


@pytest.fixture
def lead_client(client):
    client.force_login(make_user("lea", role="lead"))
    return client


def test_a_lead_writes_a_rule_in_words_and_reads_it_back(lead_client):
    response = lead_client.post(
        "/automation/rules/",
        {
            "name": "Refunds",
            "trigger": "message_received",
            "position": "10",
            "enabled": "on",
            "conditions_lines": "text contains refund\ncontact_attribute tier gold\nbusiness_hours outside",
            "actions_lines": "add_tag refund\nsend_survey csat",
        },
    )
    assert response.status_code == 302
    rule = Rule.objects.get(name="Refunds")
    assert rule.conditions == [
        {"field": "text", "op": "contains", "value": "refund"},
        {"field": "contact_attribute", "key": "tier", "value": "gold"},
        {"field": "business_hours", "value": "outside"},
    ]
    assert rule.actions == [{"type": "add_tag", "value": "refund"}, {"type": "send_survey", "value": "csat"}]
    page = lead_client.get(f"/automation/rules/{rule.pk}/").content.decode()
    assert "text contains refund" in page and "send_survey csat" in page


@pytest.mark.parametrize(
    ("conditions", "actions", "message"),
    [
        ("mood happy", "add_tag x", "unknown condition"),
        ("text matches (", "add_tag x", "pattern is not valid"),
        ("business_hours sometimes", "add_tag x", "inside or outside"),
        ("", "fly_away now", "unknown action"),
        ("", "", "at least one action"),
    ],
)
def test_a_rule_that_cannot_run_is_refused_with_the_line(lead_client, conditions, actions, message):
    response = lead_client.post(
        "/automation/rules/",
        {
            "name": "x",
            "trigger": "message_received",
            "position": "1",
            "conditions_lines": conditions,
            "actions_lines": actions,
        },
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Rule.objects.exists()


def test_teams_agents_and_inboxes_are_named_in_a_rule_never_numbered(lead_client):
    # given
    team = Team.objects.create(name="Retouren")
    anna = make_user("anna")
    web = make_inbox("livechat", name="Website chat")
    form = {
        "name": "Returns",
        "trigger": "message_received",
        "position": "1",
        "conditions_lines": "inbox website chat",
        "actions_lines": "assign_team Retouren\nassign_agent ANNA",
    }
    # when
    assert lead_client.post("/automation/rules/", form).status_code == 302
    # then: the engine gets the ids; the lead reads the names back
    rule = Rule.objects.get(name="Returns")
    assert rule.conditions == [{"field": "inbox", "value": web.pk}]
    assert rule.actions == [{"type": "assign_team", "value": team.pk}, {"type": "assign_agent", "value": anna.pk}]
    page = lead_client.get(f"/automation/rules/{rule.pk}/").content.decode()
    assert "inbox Website chat" in page and "assign_team Retouren" in page and "assign_agent anna" in page
    # and a name nobody has is refused with the line, as is a number
    for actions, message in (("assign_team Nobody", "no team"), (f"assign_agent {anna.pk}", "no active agent")):
        response = lead_client.post("/automation/rules/", {**form, "name": "x", "actions_lines": actions})
        assert response.status_code == 200 and message in response.content.decode()
    assert Rule.objects.count() == 1


def test_conditions_and_actions_round_trip():
    assert conditions_parse("language de\ntag vip") == [
        {"field": "language", "value": "de"},
        {"field": "tag", "value": "vip"},
    ]
    assert actions_parse("add_note Check the order history first") == [
        {"type": "add_note", "value": "Check the order history first"}
    ]


def test_a_lead_sets_business_hours_holidays_and_the_bot(lead_client):
    inbox = make_inbox("livechat", name="Shop")
    form = {
        "hours-time_zone": "Europe/Berlin",
        "hours-mon": "09:00-12:00, 13:00-17:30",
        "hours-tue": "09:00-17:30",
        "hours-holidays": "2026-12-25\n2026-12-26",
        "hours-exceptions": "2026-12-24 09:00-13:00\n2026-12-31",
        "automation-away_enabled": "on",
        "automation-busy_threshold": "10",
        "automation-bot_enabled": "on",
        "automation-bot_threshold": "0.3",
        "automation-assignment_mode": "round_robin",
        "automation-sla_warning_percent": "80",
    }
    assert lead_client.post(f"/automation/inboxes/{inbox.pk}/", form).status_code == 302
    inbox.refresh_from_db()
    assert inbox.time_zone == "Europe/Berlin"
    assert inbox.business_hours["mon"] == [["09:00", "12:00"], ["13:00", "17:30"]]
    assert inbox.business_hours["wed"] == []
    assert inbox.business_hours["holidays"] == ["2026-12-25", "2026-12-26"]
    assert inbox.business_hours["exceptions"] == {"2026-12-24": [["09:00", "13:00"]], "2026-12-31": []}
    automation = InboxAutomation.objects.get(inbox=inbox)
    assert automation.bot_enabled and automation.bot_threshold == 0.3 and automation.assignment_mode == "round_robin"
    # the engine reads what the page wrote: Christmas is closed
    from datetime import datetime
    from zoneinfo import ZoneInfo

    assert not business_hours.is_open(inbox, datetime(2026, 12, 25, 10, tzinfo=ZoneInfo("Europe/Berlin")))

    bad = lead_client.post(f"/automation/inboxes/{inbox.pk}/", {**form, "hours-tue": "9 to 5"})
    assert bad.status_code == 200 and "09:00-17:30" in bad.content.decode()


def test_agents_do_not_get_the_automation_pages(client):
    inbox = make_inbox("livechat")
    client.force_login(make_user("anna", inboxes=[inbox]))
    for url in ("/automation/rules/", f"/automation/inboxes/{inbox.pk}/"):
        assert client.get(url).status_code == 404
    assert client.post("/automation/rules/", {"name": "x", "actions_lines": "add_tag x"}).status_code == 404
    assert not Rule.objects.exists()
