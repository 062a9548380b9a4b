"""The 24-hour window in the API, template sync (paging) and template sending."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from channels_whatsapp.errors import WINDOW_CLOSED_REASON
from channels_whatsapp.models import MessageTemplate
from channels_whatsapp.templates import templates_sync
from inbox.models import Conversation, Message
from tests.channels_whatsapp.fakes import ACCESS_TOKEN, PHONE_NUMBER_ID, WABA_ID, Answer, error_answer
from tests.factories import make_token, make_user

pytestmark = pytest.mark.django_db

TEMPLATES_PATH = f"/{WABA_ID}/message_templates"
ORDER_UPDATE = {
    "id": "594425479261596",
    "name": "order_update",
    "language": "nl",
    "status": "APPROVED",
    "category": "UTILITY",
    "components": [
        {"type": "HEADER", "format": "TEXT", "text": "Bestelling {{1}}"},
        {"type": "BODY", "text": "Hallo {{1}}, uw bestelling wordt {{2}} bezorgd."},
        {"type": "FOOTER", "text": "Webcare"},
    ],
}
WELCOME_NAMED = {
    "id": "77",
    "name": "welcome_back",
    "language": "de",
    "status": "APPROVED",
    "category": "MARKETING",
    "components": [{"type": "BODY", "text": "Hallo {{first_name}}, schön dass Sie da sind!"}],
}
PENDING = {
    "id": "78",
    "name": "promo",
    "language": "nl",
    "status": "PENDING",
    "category": "MARKETING",
    "components": [],
}


def script_two_pages(graph):
    graph.script(
        "GET",
        TEMPLATES_PATH,
        Answer(
            json={
                "data": [ORDER_UPDATE, PENDING],
                "paging": {"cursors": {"before": "b1", "after": "a1"}, "next": "https://graph.facebook.com/next"},
            }
        ),
        Answer(json={"data": [WELCOME_NAMED], "paging": {"cursors": {"before": "b2", "after": "a2"}}}),
    )


@pytest.fixture
def closed_conversation(deliver):
    deliver("text")
    conversation = Conversation.objects.get()
    Conversation.objects.filter(pk=conversation.pk).update(
        last_customer_message_at=timezone.now() - timedelta(hours=25)
    )
    return conversation


@pytest.fixture
def api(api_client, closed_conversation):
    agent = make_user("anna", inboxes=[closed_conversation.inbox])
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(agent)}")
    return api_client


def post(api, conversation, payload, capture):
    with capture(execute=True):
        return api.post(f"/api/v1/conversations/{conversation.pk}/messages/", payload, format="json")


@pytest.mark.smoke
def test_sync_reads_every_page_and_counts_parameters(graph, wa_inbox):
    script_two_pages(graph)
    result = templates_sync(inbox=wa_inbox)
    assert result == {"inbox": wa_inbox.pk, "templates": 3, "approved": 2, "removed": 0}
    first, second = [r for r in graph.requests if r.path == TEMPLATES_PATH]
    assert first.headers["authorization"] == f"Bearer {ACCESS_TOKEN}" and "after" not in first.query
    assert second.query["after"] == "a1"  # the cursor on our own base URL, not Meta's `next` link
    order = MessageTemplate.objects.get(name="order_update")
    assert (order.language, order.category, order.status, order.parameter_count) == ("nl", "UTILITY", "APPROVED", 3)
    assert order.parameter_names == ["header.1", "body.1", "body.2"]
    assert MessageTemplate.objects.get(name="welcome_back").parameter_names == ["body.first_name"]


def test_a_template_meta_no_longer_lists_is_removed_on_the_next_sync(graph, wa_inbox):
    script_two_pages(graph)
    templates_sync(inbox=wa_inbox)
    graph.scripted.clear()
    graph.script("GET", TEMPLATES_PATH, Answer(json={"data": [ORDER_UPDATE]}))
    assert templates_sync(inbox=wa_inbox)["removed"] == 2


def test_the_sync_command_prints_json_on_its_last_line(graph, wa_inbox):
    script_two_pages(graph)
    out = StringIO()
    call_command("sync_whatsapp_templates", "--inbox", str(wa_inbox.pk), stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["inboxes"] == 1 and summary["templates"] == 3 and summary["failed"] == 0


def test_the_sync_command_reports_a_graph_error(graph, wa_inbox):
    graph.script("GET", TEMPLATES_PATH, error_answer(190, "token expired", http=401))
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("sync_whatsapp_templates", stdout=out, stderr=StringIO())
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["failed"] == 1 and "token expired" in summary["results"][0]["error"]


@pytest.mark.smoke
def test_outside_the_window_the_api_refuses_text_with_the_reason(
    graph, api, closed_conversation, django_capture_on_commit_callbacks
):
    response = post(api, closed_conversation, {"text": "Nog vragen?"}, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert response.json()["detail"] == WINDOW_CLOSED_REASON
    assert graph.requests == [] and Message.objects.filter(direction="out").count() == 0


def test_a_template_is_sent_outside_the_window_with_its_parameters(
    graph, api, wa_inbox, closed_conversation, django_capture_on_commit_callbacks
):
    script_two_pages(graph)
    templates_sync(inbox=wa_inbox)
    payload = {"template": {"name": "order_update", "language": "nl", "parameters": ["NL-1234", "Sanne", "morgen"]}}

    response = post(api, closed_conversation, payload, django_capture_on_commit_callbacks)

    assert response.status_code == 201, response.content
    reply = response.json()
    assert reply["kind"] == "template"
    assert Message.objects.get(pk=reply["id"]).status == "sent"
    assert reply["text"] == "Hallo Sanne, uw bestelling wordt morgen bezorgd."
    body = graph.sent()[-1].json
    assert graph.sent()[-1].path == f"/{PHONE_NUMBER_ID}/messages"
    assert body["type"] == "template" and body["to"] == "31612345678"
    assert body["template"] == {
        "name": "order_update",
        "language": {"code": "nl"},
        "components": [
            {"type": "header", "parameters": [{"type": "text", "text": "NL-1234"}]},
            {"type": "body", "parameters": [{"type": "text", "text": "Sanne"}, {"type": "text", "text": "morgen"}]},
        ],
    }


def test_a_named_parameter_template_sends_parameter_names(
    graph, api, wa_inbox, closed_conversation, django_capture_on_commit_callbacks
):
    script_two_pages(graph)
    templates_sync(inbox=wa_inbox)
    payload = {"template": {"name": "welcome_back", "language": "de", "parameters": ["Jürgen"]}}
    response = post(api, closed_conversation, payload, django_capture_on_commit_callbacks)
    assert response.status_code == 201
    parameter = graph.sent()[-1].json["template"]["components"][0]["parameters"][0]
    assert parameter == {"type": "text", "text": "Jürgen", "parameter_name": "first_name"}


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ({"name": "nope", "language": "nl", "parameters": []}, "No template 'nope'"),
        ({"name": "order_update", "language": "nl", "parameters": ["only one"]}, "needs 3 parameter(s), got 1"),
        ({"name": "promo", "language": "nl", "parameters": []}, "pending, not approved"),
    ],
)
def test_an_unknown_template_or_wrong_parameter_count_is_400(
    graph, api, wa_inbox, closed_conversation, django_capture_on_commit_callbacks, template, reason
):
    script_two_pages(graph)
    templates_sync(inbox=wa_inbox)
    response = post(api, closed_conversation, {"template": template}, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert reason in response.json()["detail"]
    assert graph.sent() == []


def test_text_and_template_together_is_400(api, closed_conversation, django_capture_on_commit_callbacks):
    payload = {"text": "x", "template": {"name": "order_update", "language": "nl"}}
    assert post(api, closed_conversation, payload, django_capture_on_commit_callbacks).status_code == 400
