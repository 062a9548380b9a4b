"""Rules on public comments: `public yes/no` and `post <id or permalink>` conditions, and the
`hide_comment` and `reply_privately` actions, through Instagram's real webhook URL against the
fake Graph API (which records every request we send)."""

import json

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from automation.models import Rule, RuleRun
from inbox.models import CannedResponse, Conversation, Message
from tests.channels_instagram.fakes import PAGE_MESSAGES, Answer, deliver, graph, ig_inbox  # noqa: F401
from tests.factories import make_user

pytestmark = pytest.mark.django_db

COMMENT_ID = "17900000000000001"
MEDIA_ID = "18000000000000001"


@pytest.fixture
def recent_comment(monkeypatch):
    """The fixture's comment carries Instagram's `entry.time`, older than Meta's 7 days for a
    private reply: deliver it as written just now."""
    from tests.channels_instagram import fakes

    original = fakes.fixture_bytes

    def fresh(name, **kwargs):
        body = json.loads(original(name, **kwargs))
        for entry in body["entry"]:
            entry["time"] = int(timezone.now().timestamp())
        return json.dumps(body).encode()

    monkeypatch.setattr(fakes, "fixture_bytes", fresh)


def _rule(conditions, actions):
    return Rule.objects.create(
        name="Phone numbers in comments", trigger="message_received", position=1, conditions=conditions, actions=actions
    )


def test_a_comment_with_a_phone_number_is_hidden_and_answered_privately(deliver, graph, recent_comment):  # noqa: F811
    CannedResponse.objects.create(
        shortcut="dm-please", title="DM", text="We sturen u een privébericht.", created_by=make_user()
    )
    _rule(
        [{"field": "public", "value": "yes"}, {"field": "text", "op": "matches", "value": r"rood"}],
        [{"type": "hide_comment", "value": ""}, {"type": "reply_privately", "value": "dm-please"}],
    )
    graph.script("POST", f"/{COMMENT_ID}", Answer(json={"success": True}))
    deliver("comment")
    comment = Message.objects.get(external_id=COMMENT_ID)
    hide = [r for r in graph.requests if r.method == "POST" and r.path == f"/{COMMENT_ID}"]
    assert [r.json for r in hide] == [{"hide": True}]
    assert comment.content["hidden"] is True and comment.content["private_reply"]
    [private] = [r.json for r in graph.requests if r.method == "POST" and r.path == PAGE_MESSAGES]
    assert private["recipient"] == {"comment_id": COMMENT_ID}
    assert private["message"] == {"text": "We sturen u een privébericht."}
    direct = Conversation.objects.get(public=False)
    assert direct.messages.get().sender_type == "bot"
    assert AuditEntry.objects.filter(action="comment.hidden").exists()
    assert RuleRun.objects.get().actions_done == ["hide_comment", "reply_privately:dm-please"]


def test_a_rule_about_one_post_or_about_direct_messages_leaves_other_comments_alone(deliver, graph):  # noqa: F811
    _rule([{"field": "post", "value": "999"}], [{"type": "add_tag", "value": "other-post"}])
    _rule([{"field": "public", "value": "no"}], [{"type": "add_tag", "value": "direct"}])
    _rule([{"field": "post", "value": MEDIA_ID}], [{"type": "add_tag", "value": "this-post"}])
    deliver("comment")
    conversation = Conversation.objects.get()
    assert set(conversation.tags.values_list("name", flat=True)) & {"other-post", "direct", "this-post"} == {
        "this-post"
    }


def test_a_lead_writes_the_public_comment_rule_in_words(client):
    client.force_login(make_user("lea", role="lead"))
    response = client.post(
        "/automation/rules/",
        {
            "name": "Phone numbers",
            "trigger": "message_received",
            "position": "1",
            "enabled": "on",
            "conditions_lines": "public yes\npost https://www.instagram.com/p/C0ffee/\ntext matches \\d{6,}",
            "actions_lines": "hide_comment\nreply_privately Stuur ons een DM met uw ordernummer",
        },
    )
    assert response.status_code == 302
    rule = Rule.objects.get()
    assert rule.conditions[:2] == [
        {"field": "public", "value": "yes"},
        {"field": "post", "value": "https://www.instagram.com/p/C0ffee/"},
    ]
    assert rule.actions == [
        {"type": "hide_comment", "value": ""},
        {"type": "reply_privately", "value": "Stuur ons een DM met uw ordernummer"},
    ]
    page = client.get(f"/automation/rules/{rule.pk}/").content.decode()
    assert "hide_comment" in page and "public yes" in page
    refused = client.post(
        "/automation/rules/",
        {"name": "x", "trigger": "message_received", "position": "1", "conditions_lines": "public maybe",
         "actions_lines": "hide_comment"},
    )  # fmt: skip
    assert "public is yes or no" in refused.content.decode()
