"""The `make run` demo: ninety days of history that every KPI shows, demo inboxes on a simulated
platform, and a demo flag that no real inbox can get."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.data import load_demo
from inbox import channel_registry
from inbox.admin import InboxAdminForm
from inbox.ingest import message_ingest
from inbox.models import Conversation, Inbox, Message
from inbox.normalized import InboundMessage, SenderProfile
from inbox.provisioning import DemoInboxRefused, inbox_create, inbox_setup_update
from inbox.replies import reply_send
from inbox.simulated_platform import ANSWERS, demo_platform_tick
from reporting.models import QualityReview
from tests.factories import make_inbox, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_after_load_demo_every_kpi_and_chart_of_the_dashboard_shows_something(client, api_client):
    result = load_demo()
    assert result["created"] and result["rows"]["conversations"] > 500

    lea = get_user_model().objects.get(username="lea")
    today = timezone.localdate()
    api_client.force_authenticate(lea)
    summary = api_client.get(
        "/api/v1/reports/summary/", {"from": (today - timedelta(days=29)).isoformat(), "to": today.isoformat()}
    ).json()
    for kind in [channel.kind for channel in channel_registry.channels() if channel.demo]:
        volume = summary["volume"][kind]
        assert volume["conversations"] > 0 and volume["messages_in"] > 0 and volume["messages_out"] > 0, kind
    cases = summary["cases"]
    assert cases["open"] > 0 and cases["pending"] > 0 and cases["resolved"] > 0 and cases["closed"] > 0
    assert cases["opened"] > 0 and cases["resolved_in_period"] > 0 and cases["reopened"] > 0
    assert summary["first_response"]["median_seconds"] > 0
    assert 0 < summary["first_response"]["within_target_share"] < 1
    assert summary["next_response"]["count"] > 0 and summary["resolution"]["median_seconds"] > 0
    assert all(level["responses"] > 0 for level in summary["service_level"].values())
    agents = [a for a in summary["agents"] if a["replies"] > 0]
    assert len(agents) >= 3 and all(a["online_seconds"] > 0 and a["handled"] > 0 for a in agents)
    assert summary["business_hours"]["inside"] > 0 and summary["business_hours"]["outside"] > 0
    assert summary["csat"]["responses"] > 0 and summary["csat"]["average"] > 0
    assert summary["nps"]["responses"] > 0 and summary["nps"]["score"] is not None
    assert summary["sentiment"]["positive"] > 0 and summary["sentiment"]["negative"] > 0
    assert summary["sentiment"]["turned_negative"] > 0
    assert len(summary["tags"]) >= 5 and all(summary["leads"][kind] > 0 for kind in summary["volume"])
    assert summary["bots"]["handled"] > 0 and summary["bots"]["handed_over"] > 0
    assert summary["live"]["waiting"] > 0

    # the dashboard's default week draws every chart from the same roll-ups
    client.force_login(lea)
    charts = client.get("/reports/").context["charts"]
    assert all(sum(series) > 0 for series in charts["volume"].values()) and len(charts["volume"]) >= 3
    assert sum(bucket["count"] for bucket in charts["first_response"]) > 0
    assert any(charts["feedback"]["csat"]) and any(v is not None for v in charts["feedback"]["nps"])
    assert charts["service_level"] and charts["tags"] and sum(charts["sentiment"].values()) > 0

    # quality reviews: earlier weeks scored by the lead, this week partly left to do
    reviews = QualityReview.objects.all()
    assert reviews.filter(reviewed_at__isnull=False).exists() and reviews.filter(reviewed_at__isnull=True).exists()

    # a handful of customers are waiting now, and not every service-level clock has run out
    waiting = Conversation.objects.filter(status="open", first_response_at__isnull=True, inbox__demo=True)
    assert waiting.count() >= 5
    assert any(
        (timezone.now() - c.last_customer_message_at).total_seconds() < c.inbox.first_response_target_seconds
        for c in waiting.select_related("inbox")
    )
    assert load_demo()["created"] is False


def _demo_conversation(kind: str = "whatsapp", language: str = "nl"):
    inbox = inbox_create(kind=kind, name="Demo", external_id=f"demo-{kind}", demo=True)
    message_ingest(
        inbox=inbox,
        inbound=InboundMessage(
            external_id="in-1",
            text="Waar blijft mijn pakket?",
            sender=SenderProfile(external_id="31611111111", display_name="Sanne", locale=language),
            timestamp=timezone.now(),
        ),
    )
    return Conversation.objects.get(inbox=inbox)


@pytest.mark.parametrize("kind", ["whatsapp", "messenger"])
def test_a_reply_in_a_demo_inbox_is_delivered_and_read_without_any_network(
    kind, settings, client, django_capture_on_commit_callbacks
):
    settings.META_GRAPH_URL = "http://127.0.0.1:9/v21.0"  # nothing listens there: a real send would fail
    conversation = _demo_conversation(kind)
    agent = make_user("anna", inboxes=[conversation.inbox])
    with django_capture_on_commit_callbacks(execute=True):
        replies = [reply_send(conversation=conversation, author=agent, text=f"Antwoord {n}") for n in range(3)]
    for reply in replies:
        reply.refresh_from_db()
        assert reply.status == "sent" and reply.external_id and not reply.error

    # the platform's clock, from when the replies were sent (a busy machine takes its time)
    first, now = min(r.status_at for r in replies), max(r.status_at for r in replies)
    assert demo_platform_tick(now=first)["delivered"] == 0  # not yet: the platform takes a moment
    assert demo_platform_tick(now=now + timedelta(seconds=2))["delivered"] == 3
    ticked = demo_platform_tick(now=now + timedelta(seconds=6))
    assert ticked["read"] == 3
    assert {m.status for m in Message.objects.filter(pk__in=[r.pk for r in replies])} == {"read"}
    # now and then the customer answers, in their own language, through the ingest path
    answers = Message.objects.filter(conversation=conversation, direction="in").exclude(external_id="in-1")
    assert ticked["answered"] == answers.count() == 1 and answers.get().text in ANSWERS["nl"]
    demo_platform_tick(now=now + timedelta(seconds=12))
    assert answers.count() == 1  # stored once

    client.force_login(agent)
    assert 'data-testid="demo-badge"' in client.get("/", {"c": conversation.pk}).content.decode()


def test_a_real_inbox_keeps_its_platform():
    real = make_inbox("whatsapp", credentials={"access_token": "t"})
    assert channel_registry.for_inbox(real).send is channel_registry.get("whatsapp").send
    assert channel_registry.for_inbox(real).conversation_opened is not None


def test_the_demo_flag_cannot_be_set_on_a_real_inbox(client):
    # an inbox with credentials can never be made a demo inbox, nor a demo inbox given any
    with pytest.raises(DemoInboxRefused):
        inbox_create(kind="whatsapp", name="Real", external_id="1", credentials={"access_token": "t"}, demo=True)
    demo = inbox_create(kind="whatsapp", name="Demo", external_id="demo-1", demo=True)
    with pytest.raises(DemoInboxRefused):
        inbox_setup_update(
            inbox=demo, setup=channel_registry.InboxSetup(name="Demo", credentials={"access_token": "t"}), actor=None
        )
    assert "demo" not in InboxAdminForm().fields
    posted = {"kind": "whatsapp", "name": "Demo", "access_token": "t", "time_zone": "Europe/Amsterdam"}
    posted.update(first_response_target_seconds=60, config="{}", business_hours="{}")
    admin_form = InboxAdminForm(instance=demo, data=posted)
    assert not admin_form.is_valid() and "demo inbox" in str(admin_form.non_field_errors())

    # the settings form of a real inbox ignores a posted flag; a demo inbox's form has no secrets
    real = make_inbox("whatsapp", name="Real", external_id="2", credentials={"access_token": "t"})
    client.force_login(make_user("ada", role="admin"))
    form = {"name": "Real", "phone_number_id": "2", "waba_id": "", "demo": "on", "access_token": "new"}
    assert client.post(f"/settings/inboxes/{real.pk}/", form).status_code == 302
    real.refresh_from_db()
    assert real.demo is False and real.credentials["access_token"] == "new"
    page = client.get(f"/settings/inboxes/{demo.pk}/").content.decode()
    assert 'name="access_token"' not in page and 'data-testid="demo-inbox-notice"' in page
    client.post(f"/settings/inboxes/{demo.pk}/", {**form, "name": "Demo", "phone_number_id": "demo-1"})
    demo.refresh_from_db()
    assert demo.credentials == {} and Inbox.objects.filter(demo=True).count() == 1
