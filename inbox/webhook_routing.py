"""Which inboxes a verified webhook body belongs to, and what to keep of the parts none takes.

A platform app (one Meta app) sends the events of all its accounts (Pages, phone numbers) to
one callback URL, and one body can hold entries for several of them. Each part goes to the
active inbox of the channel whose `external_id` is the part's account id, but only to an inbox
whose own app secret verifies the body's signature: a body signed with one app's secret can
never write into the inbox of another app. A part no inbox takes is kept as an
`UnroutedWebhookEntry` (shown in the inbox health view) and handed over once an inbox with that
id and that secret exists (`unrouted_entries_reroute`).

The channel says how its bodies split (`Channel.webhook_split`); nothing here names a channel.
"""

import hashlib
import json
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from . import channel_registry
from .models import Inbox, UnroutedReason, UnroutedWebhookEntry
from .webhooks import signature_valid, webhook_events_process, webhook_events_store

logger = logging.getLogger(__name__)


@dataclass
class Routing:
    """Where one verified body goes: the inboxes that store it (each processes only its own
    entries) and the rows for the entries no inbox takes."""

    inboxes: list[Inbox] = field(default_factory=list)
    unrouted: list[dict] = field(default_factory=list)


def secret_fingerprint(secret: str) -> str:
    """A keyed hash of an app secret: tells which secret verified an entry without storing it."""
    return salted_hmac("webcare.webhook-app-secret", secret).hexdigest()


def entries_split(payload: dict) -> list[tuple[str, dict]]:
    """Each entry on its own, keyed by its `id`: the split of a body no channel claims."""
    entries = payload.get("entry") if isinstance(payload.get("entry"), list) else []
    return [(str(entry.get("id") or ""), entry) for entry in entries if isinstance(entry, dict)]


def webhook_route(
    *,
    kind: str,
    payload: dict,
    body: bytes,
    signature: str,
    secret: str,
    via_inbox: Inbox | None = None,
    via_app: str = "",
) -> Routing:
    """Route a body whose signature `secret` verified, that came through `via_inbox`'s URL or
    the app URL with key `via_app`. `kind` is the channel the body is for ("" when no channel
    claims its object). `via_inbox` keeps every body sent to its URL (its raw log: its
    processor takes only its own entries from it)."""
    channel = channel_registry.get(kind) if kind and channel_registry.known(kind) else None
    object_type = str(payload.get("object") or "")
    routing = Routing(inboxes=[via_inbox] if via_inbox is not None else [])
    if via_inbox is not None and (
        not via_inbox.external_id or (channel and channel.webhook_object and object_type != channel.webhook_object)
    ):
        # An inbox without an account id takes the whole body (as it always did); another
        # product's body on an inbox URL (an Instagram subscription on a Page's URL) is kept in
        # its raw log, which the channel's processor passes over.
        return routing
    split = channel.webhook_split if channel and channel.webhook_split else entries_split
    parts = split(payload) if channel else entries_split(payload)

    ids = {account for account, _ in parts if account}
    candidates = list(Inbox.objects.filter(kind=kind, is_active=True, external_id__in=ids)) if kind and ids else []
    verified_by: dict[str, bool] = {}  # one HMAC per distinct secret

    def verifies(inbox: Inbox) -> bool:
        if via_inbox is not None and inbox.pk == via_inbox.pk:
            return True
        candidate_secret = inbox.credentials.get("app_secret", "")
        if candidate_secret not in verified_by:
            verified_by[candidate_secret] = signature_valid(body=body, header_value=signature, secret=candidate_secret)
        return verified_by[candidate_secret]

    taken: set[str] = set()
    refused: set[str] = set()
    for inbox in candidates:
        if verifies(inbox):
            taken.add(inbox.external_id)
            if all(inbox.pk != other.pk for other in routing.inboxes):
                routing.inboxes.append(inbox)
        else:
            refused.add(inbox.external_id)
            logger.warning(
                "a webhook entry for %s was not routed to inbox %s: its app secret differs", inbox.external_id, inbox.pk
            )

    received_at = timezone.now()
    fingerprint = secret_fingerprint(secret)
    for account, entry in parts:
        if account in taken or (not account and via_inbox is not None):
            continue
        if not kind:
            reason = UnroutedReason.UNKNOWN_OBJECT
        elif not account:
            reason = UnroutedReason.NO_ACCOUNT
        elif account in refused:
            reason = UnroutedReason.SECRET_DIFFERS
        else:
            reason = UnroutedReason.UNKNOWN_ACCOUNT
        routing.unrouted.append(
            {
                "channel": kind,
                "object_type": object_type[:64],
                "account_id": account[:64],
                "entry": entry,
                "reason": reason,
                "via_inbox": via_inbox,
                "via_app": via_app,
                "secret_fingerprint": fingerprint,
                "digest": _digest(kind, object_type, account, entry),
                "received_at": received_at,
            }
        )
    if routing.unrouted:
        logger.warning(
            "kept %d webhook entries no inbox takes (ids %s)",
            len(routing.unrouted),
            ", ".join(sorted({row["account_id"] or "-" for row in routing.unrouted})),
        )
    return routing


def _digest(kind: str, object_type: str, account: str, entry: dict) -> str:
    canonical = json.dumps([kind, object_type, account, entry], sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def unrouted_entries_reroute(*, limit: int = 500) -> dict:
    """Hand the kept entries to inboxes created since: each to the active inbox of its channel
    with its account id whose app secret is the one that verified it, stored and processed like
    a webhook body (`{"object": .., "entry": [entry]}`). Idempotent: processing dedupes."""
    pending = list(
        UnroutedWebhookEntry.objects.filter(rerouted_at__isnull=True)
        .exclude(account_id="")
        .exclude(channel="")
        .order_by("received_at", "pk")[:limit]
    )
    if not pending:
        return {"rerouted": 0, "pending": 0}
    inboxes: dict[tuple[str, str], list[Inbox]] = {}
    for inbox in Inbox.objects.filter(
        is_active=True,
        kind__in={entry.channel for entry in pending},
        external_id__in={entry.account_id for entry in pending},
    ):
        inboxes.setdefault((inbox.kind, inbox.external_id), []).append(inbox)

    rerouted = 0
    for entry in pending:
        target = next(
            (
                inbox
                for inbox in inboxes.get((entry.channel, entry.account_id), [])
                if secret_fingerprint(inbox.credentials.get("app_secret", "")) == entry.secret_fingerprint
            ),
            None,
        )
        if target is None:
            continue
        body = json.dumps({"object": entry.object_type, "entry": [entry.entry]}).encode()
        with transaction.atomic():
            claimed = UnroutedWebhookEntry.objects.filter(pk=entry.pk, rerouted_at__isnull=True).update(
                rerouted_at=timezone.now(), rerouted_to=target
            )
            if not claimed:
                continue  # another worker took it
            events = webhook_events_store(
                [{"inbox": target, "channel": entry.channel, "body": body, "headers": {}}], attempts=1
            )
        # A processing failure is recorded on the event, which the re-processing task retries.
        webhook_events_process(events)
        rerouted += 1
    return {"rerouted": rerouted, "pending": len(pending) - rerouted}
