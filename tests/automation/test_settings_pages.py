"""The leads' automation pages: rules written in words, business hours and settings per inbox."""

import pytest

from automation.models import InboxAutomation, Rule
from automation.settings_forms import actions_parse, conditions_parse
from inbox import business_hours
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


def test_the_inbox_automation_page_reads_well_and_offers_a_short_zone_list(lead_client):
    import re

    inbox = make_inbox("whatsapp", name="Shop")  # no business hours: always open
    page = lead_client.get(f"/automation/inboxes/{inbox.pk}/").content.decode()
    # "Open now." is good news, not an error
    banner = re.search(r'<p class="([^"]*)"[^>]*data-testid="open-now"', page).group(1)
    assert "ok" in banner.split() and "error" not in banner
    # every field has a label a person wrote, not the field's name
    labels = re.findall(r"<label[^>]*>([^<]*)</label>", page)
    assert "Sla warning percent" not in labels and not [label for label in labels if "text nl" in label.lower()]
    assert "Service-level warning at this percentage of the first-response target" in page
    # the time zones are a short list of current zones
    zones = re.search(r'<select name="hours-time_zone"[^>]*>(.*?)</select>', page, re.S).group(1)
    values = re.findall(r'value="([^"]+)"', zones)
    assert 20 <= len(values) <= 60 and "Europe/Amsterdam" in values
    assert not [zone for zone in values if zone.startswith(("US/", "Etc/")) or zone in ("Navajo", "GB", "Zulu")]


def _rule_post(client, **fields):
    data = {"name": "VIP", "trigger": "message_received", "position": "5", "enabled": "on", "actions_lines": ""}
    return client.post("/automation/rules/", {**data, **fields})


def test_a_lead_picks_the_agent_and_team_from_lists_and_reads_their_names_back(lead_client):
    from inbox.models import Team

    anna = make_user("anna")
    anna.first_name, anna.last_name = "Anna", "Jansen"
    anna.save()
    team = Team.objects.create(name="Billing")
    inbox = make_inbox(name="Webshop WhatsApp")
    page = lead_client.get("/automation/rules/").content.decode()
    # the form offers them by name in lists; nobody types an id
    assert f'<option value="{anna.pk}">Anna Jansen</option>' in page
    assert f'<option value="{team.pk}">Billing</option>' in page
    response = _rule_post(
        lead_client,
        conditions_lines="inbox Webshop WhatsApp",
        actions_lines="add_tag vip",
        assign_team=str(team.pk),
        assign_agent=str(anna.pk),
    )
    assert response.status_code == 302
    rule = Rule.objects.get()
    assert rule.conditions == [{"field": "inbox", "value": inbox.pk}]
    assert rule.actions == [
        {"type": "add_tag", "value": "vip"},
        {"type": "assign_team", "value": team.pk},
        {"type": "assign_agent", "value": anna.pk},
    ]
    listing = lead_client.get("/automation/rules/").content.decode()
    assert "assign_agent Anna Jansen" in listing and "assign_team Billing" in listing
    assert "inbox Webshop WhatsApp" in listing
    editing = lead_client.get(f"/automation/rules/{rule.pk}/").content.decode()
    assert f'<option value="{anna.pk}" selected>Anna Jansen</option>' in editing


@pytest.mark.parametrize("typed", ["assign_agent 12", "assign_team 3"])
def test_agents_and_teams_are_not_typed_as_ids(lead_client, typed):
    response = _rule_post(lead_client, actions_lines=typed)
    assert response.status_code == 200 and "pick the agent or team from the lists" in response.content.decode()
    assert not Rule.objects.exists()


def test_a_stale_form_naming_an_agent_who_is_gone_is_refused_in_words(lead_client):
    gone = make_user("gone")
    gone_id = gone.pk
    gone.delete()
    response = _rule_post(lead_client, assign_agent=str(gone_id))
    assert response.status_code == 200
    assert f"The agent this rule assigns to ({gone_id}) does not exist" in response.content.decode()
    assert not Rule.objects.exists()


def test_a_rule_saved_by_a_program_naming_an_unknown_agent_or_inbox_is_refused():
    from automation.rule_edits import RuleRefused, rule_save

    for conditions, actions, code in [
        ([], [{"type": "assign_agent", "value": 999999}], "rule_agent_unknown"),
        ([], [{"type": "assign_agent", "value": "nobody"}], "rule_agent_unknown"),
        ([], [{"type": "assign_team", "value": 424242}], "rule_team_unknown"),
        ([{"field": "inbox", "value": 999999}], [{"type": "add_tag", "value": "x"}], "rule_inbox_unknown"),
    ]:
        with pytest.raises(RuleRefused) as refused:
            rule_save(rule=Rule(name="x", conditions=conditions, actions=actions))
        assert refused.value.code == code
    assert not Rule.objects.exists()


def test_a_dutch_lead_picks_an_inbox_by_its_name_and_channel_in_words(lead_client):
    make_inbox("email", name="Support mail")

    page = lead_client.get("/automation/rules/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert ">Support mail (E-mail)</option>" in page
    assert "(email)" not in page
