"""How each inbox is doing, for the settings' inbox list and pages: the last webhook received,
the last delivery error, whether the platform wants new credentials, and the counts a lead
looks at (open conversations, members). Reads only; a fixed number of queries for any number of
inboxes (subqueries, no per-row lookups)."""

from datetime import datetime

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import Conversation, ConversationStatus, DeliveryStatus, Direction, Inbox, Message, WebhookEvent


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

    Hook point: the time is kept by the webhook view on the inbox once it records it (field
    `webhook_verified_at`); until then this answers None and the settings say nothing."""
    return getattr(inbox, "webhook_verified_at", None)


def unrouted_entries(inbox: Inbox) -> list:
    """Webhook entries that arrived at this inbox's address for an account id no inbox has.

    Hook point for the Meta routing of one app's events to many inboxes: until that records
    such entries, there are none to show."""
    return []
