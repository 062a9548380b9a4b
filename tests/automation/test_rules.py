"""Rules: order, conditions, logging, failure isolation; preparatory tags."""

from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from automation.models import Rule, RuleRun
from automation.rules import tags_suggest
from inbox.models import CannedResponse, Message, Team
from inbox.services import conversation_update

from .conftest import automated_inbox

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


def tags_of(conversation):
    return set(conversation.tags.values_list("name", flat=True))


def test_rules_run_in_order_and_a_broken_rule_neither_stops_the_message_nor_the_next_rule(ingest):
    inbox = automated_inbox()
    team = Team.objects.create(name="Refunds")
    Rule.objects.create(name="broken regex", position=1, conditions=[{"field": "text", "op": "matches", "value": "("}])
    Rule.objects.create(
        name="refunds", position=2,
        conditions=[{"field": "text", "op": "contains", "value": "refund"}, {"field": "channel", "value": "livechat"}],
        actions=[{"type": "add_tag", "value": "refund"}, {"type": "assign_team", "value": team.pk},
                 {"type": "set_priority", "value": "high"}],
    )  # fmt: skip
    Rule.objects.create(name="missing team", position=3, actions=[{"type": "assign_team", "value": 999999}])
    Rule.objects.create(name="note", position=4, actions=[{"type": "add_note", "value": "Check the order"}])

    message = ingest(inbox, "I want a refund for my order")

    conversation = message.conversation
    conversation.refresh_from_db()
    assert "refund" in tags_of(conversation) and conversation.team == team and conversation.priority == "high"
    runs = list(RuleRun.objects.filter(conversation=conversation).order_by("pk").values_list("rule_name", "outcome"))
    assert runs == [("broken regex", "failed"), ("refunds", "applied"), ("missing team", "failed"), ("note", "applied")]
    assert Message.objects.filter(conversation=conversation, private=True, text="Check the order").exists()


def test_conditions_on_language_sentiment_contact_attribute_tag_and_hours(ingest):
    inbox = automated_inbox(business_hours={"mon": [["09:00", "17:00"]]})
    CannedResponse.objects.create(shortcut="sorry", title="Sorry", text="Het spijt ons!", category="complaint")
    Rule.objects.create(
        name="angry dutch after hours",
        conditions=[{"field": "language", "value": "nl"}, {"field": "sentiment", "value": "negative"},
                    {"field": "business_hours", "value": "outside"}, {"field": "inbox", "value": inbox.pk}],
        actions=[{"type": "send_canned", "value": "sorry"}],
    )  # fmt: skip
    Rule.objects.create(
        name="vip", conditions=[{"field": "contact_attribute", "key": "tier", "value": "gold"}],
        actions=[{"type": "set_priority", "value": "urgent"}],
    )  # fmt: skip
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 1, 6, 22, 0, tzinfo=AMS)):
        message = ingest(inbox, "Het pakket is kapot en ik ben heel boos")
    conversation = message.conversation
    assert Message.objects.filter(conversation=conversation, sender_type="bot", text="Het spijt ons!").exists()
    conversation.refresh_from_db()
    assert conversation.priority == "none"
    conversation.contact.attributes = {"tier": "gold"}
    conversation.contact.save()
    ingest(inbox, "Nog iets")
    conversation.refresh_from_db()
    assert conversation.priority == "urgent"


def test_created_and_resolved_triggers(ingest, django_capture_on_commit_callbacks):
    inbox = automated_inbox()
    Rule.objects.create(name="welcome", trigger="conversation_created", actions=[{"type": "add_tag", "value": "new"}])
    Rule.objects.create(name="done", trigger="conversation_resolved", actions=[{"type": "add_tag", "value": "done"}])
    message = ingest(inbox, "Hoi")
    ingest(inbox, "Hoi again")
    conversation = message.conversation
    assert RuleRun.objects.filter(conversation=conversation, rule_name="welcome").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        conversation_update(conversation=conversation, actor=None, status="resolved")
    assert {"new", "done"} <= tags_of(conversation)


def test_a_resolved_rule_can_send_the_survey_even_when_the_inbox_setting_is_off(
    ingest, django_capture_on_commit_callbacks
):
    from reporting.models import SurveyRequest

    inbox = automated_inbox()  # live chat: the survey's rating buttons go to the widget
    Rule.objects.create(name="nps", trigger="conversation_resolved", actions=[{"type": "send_survey", "value": "nps"}])
    conversation = ingest(inbox, "Bedankt voor de hulp").conversation
    with django_capture_on_commit_callbacks(execute=True):
        conversation_update(conversation=conversation, actor=None, status="resolved")
    request = SurveyRequest.objects.get(conversation=conversation)
    assert request.kind == "nps"
    question = Message.objects.filter(conversation=conversation, sender_type="bot", kind="interactive").get()
    assert len(question.content["choices"]) == 11
    assert RuleRun.objects.filter(conversation=conversation, rule_name="nps", outcome="applied").exists()


def test_the_agent_sees_which_rules_ran_in_the_conversation(ingest, client):
    from tests.factories import make_user

    inbox = automated_inbox()
    Rule.objects.create(
        name="Refunds <b>first</b>",
        conditions=[{"field": "text", "op": "contains", "value": "refund"}],
        actions=[{"type": "add_tag", "value": "refund"}],
    )
    Rule.objects.create(name="broken", conditions=[{"field": "text", "op": "matches", "value": "("}])
    conversation = ingest(inbox, "I want a refund").conversation
    client.force_login(make_user("anna", inboxes=[inbox]))
    pane = client.get(f"/inbox/conversations/{conversation.pk}/").content.decode()
    assert "Rule “Refunds &lt;b&gt;first&lt;/b&gt;” applied: add_tag:refund" in pane
    assert "Rule “broken” failed" in pane


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wat zijn jullie openingstijden?", {"question"}),
        ("Mijn pakket is kapot aangekomen, belachelijk!", {"complaint"}),
        ("Dank jullie wel, geweldig geholpen!", {"compliment"}),
        ("Ich möchte ein Angebot für 50 Stück", {"lead"}),
        ("Can I buy this in bulk?", {"question", "lead"}),
    ],
)
def test_suggested_tags(text, expected):
    assert tags_suggest(text) == expected


def test_suggested_tags_are_applied_and_not_brought_back_after_an_agent_removes_them(ingest):
    inbox = automated_inbox()
    message = ingest(inbox, "Wanneer komt mijn bestelling?")
    conversation = message.conversation
    assert tags_of(conversation) == {"question"}
    conversation_update(conversation=conversation, actor=None, tags=[])
    ingest(inbox, "En hoe laat?")
    assert tags_of(conversation) == set()


def test_a_batched_webhook_runs_every_rule_on_every_message_and_a_change_applies_from_the_next_batch(
    django_capture_on_commit_callbacks,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from inbox.ingest import messages_ingest
    from tests.factories import inbound

    inbox = automated_inbox("whatsapp")
    rule = Rule.objects.create(
        name="refunds", conditions=[{"field": "text", "op": "contains", "value": "refund"}],
        actions=[{"type": "add_tag", "value": "refund"}],
    )  # fmt: skip

    def batch(tag: str):
        inbounds = [inbound(f"wamid.{tag}.{n}", sender_id=f"3161234{n:04d}", text="refund please") for n in range(4)]
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
            results = messages_ingest(inbox=inbox, inbounds=inbounds)
        rule_reads = [q for q in queries.captured_queries if 'FROM "automation_rule"' in q["sql"]]
        sql = [q["sql"] for q in queries.captured_queries]
        message_reads = [q for q in sql if q.startswith('SELECT "inbox_message"."id"') and "JOIN" in q]
        return [r.message.conversation for r in results], rule_reads, message_reads

    batch("first")  # first contact: every customer new
    conversations, rule_reads, message_reads = batch("second")  # returning: one set-based batch, one task
    assert all("refund" in tags_of(c) for c in conversations)
    assert RuleRun.objects.filter(rule=rule).count() == 8
    assert len(rule_reads) == 1  # read once for the whole batch
    assert len(message_reads) == 1  # and the messages with their conversations too

    rule.enabled = False
    rule.save()
    batch("third")
    assert RuleRun.objects.filter(rule=rule).count() == 8  # switched off: the next batch does not run it
