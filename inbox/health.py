"""Reads for the inbox health view: is each inbox receiving, verified, delivering, authorised,
and which webhook entries no inbox took.

`inboxes_health` answers for any number of inboxes in one query; `unrouted_entries` in two.
Times are aware datetimes (render them in the viewer's time zone).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import (
    Conversation,
    ConversationStatus,
    DeliveryStatus,
    Direction,
    Inbox,
    Message,
    UnroutedWebhookEntry,
    WebhookEvent,
    WebhookEventStatus,
)


@dataclass(frozen=True)
class InboxHealth:
    inbox_id: int
    last_webhook_at: datetime | None  # the last webhook body stored for this inbox
    webhook_verified_at: datetime | None  # the platform's last handshake (inbox URL or app URL)
    last_delivery_error: str  # the last failed reply's reason, as agents read it ("" if none)
    last_delivery_error_code: str
    last_delivery_error_at: datetime | None
    failed_webhook_events: int  # stored bodies whose processing failed (retried periodically)
    needs_reauth: bool  # the platform rejected our credentials


@dataclass(frozen=True)
class UnroutedEntry:
    id: int
    channel: str  # the inbox kind it was for ("" when no channel takes its kind of event)
    account_id: str  # the Page id or phone number id it named
    reason: str  # an `UnroutedReason` value
    reason_label: str
    via_inbox_id: int | None  # the inbox URL it came through, or
    via_app: str  # the public key of the app URL it came through
    received_at: datetime


@dataclass(frozen=True)
class UnroutedSummary:
    count: int  # entries kept and not handed to an inbox yet
    last_ids: list[str]  # the most recently seen account ids, newest first, distinct
    entries: list[UnroutedEntry]  # the newest entries, newest first


def inboxes_health(inboxes) -> dict[int, InboxHealth]:
    """Health per inbox id for `inboxes` (a queryset or a list of inboxes or ids)."""
    ids = [getattr(inbox, "pk", inbox) for inbox in inboxes]
    failed = Message.objects.filter(
        inbox=OuterRef("pk"), direction=Direction.OUT, status=DeliveryStatus.FAILED
    ).order_by("-sent_at", "-pk")
    # Subqueries, not joins: an inbox has millions of events; the latest one is an index lookup
    # (`webhook_inbox_latest`) and failed ones are few.
    latest = WebhookEvent.objects.filter(inbox=OuterRef("pk")).order_by("-received_at")
    failed_events = (
        WebhookEvent.objects.filter(inbox=OuterRef("pk"), status=WebhookEventStatus.FAILED)
        .values("inbox")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = Inbox.objects.filter(pk__in=ids).annotate(
        last_webhook_at=Subquery(latest.values("received_at")[:1]),
        failed_webhook_events=Subquery(failed_events, output_field=IntegerField()),
        error_text=Subquery(failed.values("error")[:1]),
        error_code=Subquery(failed.values("error_code")[:1]),
        error_at=Subquery(failed.values("sent_at")[:1]),
    )
    return {
        row.pk: InboxHealth(
            inbox_id=row.pk,
            last_webhook_at=row.last_webhook_at,
            webhook_verified_at=row.webhook_verified_at,
            last_delivery_error=row.error_text or "",
            last_delivery_error_code=row.error_code or "",
            last_delivery_error_at=row.error_at,
            failed_webhook_events=row.failed_webhook_events or 0,
            needs_reauth=row.needs_reauth,
        )
        for row in rows
    }


def inbox_health(inbox: Inbox) -> InboxHealth:
    return inboxes_health([inbox])[inbox.pk]


def unrouted_entries(*, channel: str | None = None, limit: int = 20) -> UnroutedSummary:
    """The webhook entries kept for no inbox (not re-routed yet), of `channel` or all."""
    pending = UnroutedWebhookEntry.objects.filter(rerouted_at__isnull=True)
    if channel is not None:
        pending = pending.filter(channel=channel)
    newest = list(pending.order_by("-received_at", "-pk")[:limit])
    last_ids: list[str] = []
    for entry in newest:
        if entry.account_id and entry.account_id not in last_ids:
            last_ids.append(entry.account_id)
    return UnroutedSummary(
        count=pending.count(),
        last_ids=last_ids,
        entries=[
            UnroutedEntry(
                id=entry.pk,
                channel=entry.channel,
                account_id=entry.account_id,
                reason=entry.reason,
                reason_label=str(entry.get_reason_display()),
                via_inbox_id=entry.via_inbox_id,
                via_app=entry.via_app,
                received_at=entry.received_at,
            )
            for entry in newest
        ],
    )


def inboxes_with_health(queryset: QuerySet[Inbox] | None = None) -> QuerySet[Inbox]:
    """Inboxes annotated with `last_webhook_at`, `last_error`, `last_error_at`, `open_count`
    and `member_count`."""
    queryset = Inbox.objects.all() if queryset is None else queryset
    webhooks = WebhookEvent.objects.filter(inbox=OuterRef("pk")).order_by("-received_at")
    failures = Message.objects.filter(
        inbox=OuterRef("pk"), direction=Direction.OUT, status=DeliveryStatus.FAILED
    ).order_by("-status_at", "-id")
    open_count = (
        Conversation.objects.filter(inbox=OuterRef("pk"), status=ConversationStatus.OPEN)
        .order_by()
        .values("inbox")
        .annotate(n=Count("pk"))
        .values("n")
    )
    members = Inbox.members.through.objects.filter(inbox=OuterRef("pk")).order_by().values("inbox")
    return queryset.annotate(
        last_webhook_at=Subquery(webhooks.values("received_at")[:1]),
        last_error=Subquery(failures.values("error")[:1]),
        last_error_at=Subquery(failures.values("status_at")[:1]),
        open_count=Coalesce(Subquery(open_count, output_field=IntegerField()), 0),
        member_count=Coalesce(Subquery(members.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0),
    )


def webhook_verified_at(inbox: Inbox) -> datetime | None:
    """When the platform last completed the webhook handshake (Meta's verification GET).

    None until Meta has verified the inbox's URL or its app's URL."""
    return inbox.webhook_verified_at
