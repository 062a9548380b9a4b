"""Creating and changing inboxes, agents and API tokens: the logic behind the management
commands and the settings pages. Every change is audit-logged, secrets redacted."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from audit.models import AuditAction
from audit.services import audit_record
from kernel.refusals import Refused

from . import channel_registry
from .models import AgentProfile, Inbox, Role


class ProvisioningError(Exception):
    pass


class DemoInboxRefused(Refused):
    """A demo inbox talks to a simulated platform: it never holds a real account's credentials."""

    code = "demo_inbox"


DEMO_CREDENTIALS_REFUSED = _(
    "This is a demo inbox: it cannot be connected to a platform. Add a new inbox for a real account."
)


def inbox_create(
    *,
    kind: str,
    name: str,
    external_id: str = "",
    credentials: dict | None = None,
    config: dict | None = None,
    members=(),
    actor=None,
    demo: bool = False,
) -> Inbox:
    """Create an inbox of `kind` with its credentials (never echoed back) and members. A demo
    inbox (`demo`, only the demo data asks for one) has no credentials."""
    if not channel_registry.known(kind):
        raise ProvisioningError(f"Unknown inbox kind '{kind}'.")
    if demo and credentials:
        raise DemoInboxRefused(DEMO_CREDENTIALS_REFUSED)
    with transaction.atomic():
        inbox = Inbox.objects.create(
            kind=kind,
            name=name,
            external_id=external_id,
            credentials=credentials or {},
            config=config or {},
            demo=demo,
            first_response_target_seconds=channel_registry.get(kind).first_response_target_seconds,
        )
        if members:
            inbox.members.add(*members)
        audit_record(actor=actor, action=AuditAction.INBOX_CREATED, target=inbox, kind=kind)
    return inbox


REDACTED = "[redacted]"
NOT_SET = "[not set]"


def inbox_setup_create(*, kind: str, setup: channel_registry.InboxSetup, actor) -> Inbox:
    """Create an inbox from a channel's setup form (`setup.name` and the channel's values)."""
    return inbox_create(
        kind=kind,
        name=setup.name,
        external_id=setup.external_id,
        credentials=setup.credentials,
        config=setup.config,
        actor=actor,
    )


def inbox_setup_update(*, inbox: Inbox, setup: channel_registry.InboxSetup, actor) -> dict:
    """Apply a setup form's values: name, account id, the config keys the form manages (others
    kept) and any secret typed in (an empty one keeps the stored value). New credentials clear
    "needs re-authorisation": the next platform refusal sets it again. Returns the changes as
    written to the audit log ({field: {"before", "after"}}, secrets redacted)."""
    with transaction.atomic():
        inbox = Inbox.objects.select_for_update().get(pk=inbox.pk)
        if inbox.demo and setup.credentials:
            raise DemoInboxRefused(DEMO_CREDENTIALS_REFUSED)
        changes = {}
        for field, value in (("name", setup.name), ("external_id", setup.external_id)):
            if value != getattr(inbox, field):
                changes[field] = {"before": getattr(inbox, field), "after": value}
                setattr(inbox, field, value)
        config = dict(inbox.config or {})
        for key, value in (setup.config or {}).items():
            if config.get(key) != value:
                changes[f"config.{key}"] = {"before": config.get(key), "after": value}
                config[key] = value
        credentials = dict(inbox.credentials or {})
        for key, value in (setup.credentials or {}).items():
            if credentials.get(key) != value:
                changes[f"credentials.{key}"] = {
                    "before": REDACTED if credentials.get(key) else NOT_SET,
                    "after": REDACTED,
                }
                credentials[key] = value
        secrets = sorted(key.removeprefix("credentials.") for key in changes if key.startswith("credentials."))
        if not changes:
            return {}
        inbox.config, inbox.credentials = config, credentials
        if secrets:
            inbox.needs_reauth = False
        inbox.save()
        audit_record(actor=actor, action=AuditAction.INBOX_UPDATED, target=inbox, changes=changes)
        if secrets:
            audit_record(actor=actor, action=AuditAction.INBOX_CREDENTIALS_CHANGED, target=inbox, secrets=secrets)
    return changes


def inbox_active_set(*, inbox: Inbox, active: bool, actor) -> bool:
    """Deactivate (webhooks and the widget stop answering; history stays) or reactivate an
    inbox. Inboxes are never deleted here: their conversations are the record. Returns whether
    anything changed."""
    with transaction.atomic():
        changed = Inbox.objects.filter(pk=inbox.pk, is_active=not active).update(is_active=active)
        if changed:
            action = AuditAction.INBOX_REACTIVATED if active else AuditAction.INBOX_DEACTIVATED
            audit_record(
                actor=actor, action=action, target=inbox, before={"is_active": not active}, after={"is_active": active}
            )
    inbox.is_active = active if changed else inbox.is_active
    return bool(changed)


def inbox_members_set(*, inbox: Inbox, members, actor) -> dict:
    """Make `members` (users) exactly the inbox's members. Returns {"added", "removed"} usernames."""
    with transaction.atomic():
        before = {user.pk: user.get_username() for user in inbox.members.all()}
        after = {user.pk: user.get_username() for user in members}
        added = [after[pk] for pk in after.keys() - before.keys()]
        removed = [before[pk] for pk in before.keys() - after.keys()]
        if not added and not removed:
            return {"added": [], "removed": []}
        inbox.members.set(list(members))
        audit_record(
            actor=actor,
            action=AuditAction.INBOX_MEMBERS_CHANGED,
            target=inbox,
            before=sorted(before.values()),
            after=sorted(after.values()),
        )
    return {"added": sorted(added), "removed": sorted(removed)}


def inbox_service_levels_set(
    *, inbox: Inbox, first_response_seconds: int, next_response_seconds: int | None, actor
) -> dict:
    """Set the inbox's response targets (seconds; no next-response target: None)."""
    wanted = {
        "first_response_target_seconds": first_response_seconds,
        "next_response_target_seconds": next_response_seconds,
    }
    with transaction.atomic():
        inbox = Inbox.objects.select_for_update().get(pk=inbox.pk)
        changes = {
            field: {"before": getattr(inbox, field), "after": value}
            for field, value in wanted.items()
            if getattr(inbox, field) != value
        }
        if changes:
            Inbox.objects.filter(pk=inbox.pk).update(**wanted)
            audit_record(actor=actor, action=AuditAction.INBOX_SERVICE_LEVELS_CHANGED, target=inbox, changes=changes)
    return changes


def inbox_public_replies_set(*, inbox: Inbox, allowed: bool, actor) -> bool:
    """Whether the FAQ bot and the automatic replies may answer in the inbox's public comment
    threads (`config["automation_public_replies"]`; off: they only ever write in private).
    Returns whether it changed; a change is audit-logged."""
    with transaction.atomic():
        inbox = Inbox.objects.select_for_update().get(pk=inbox.pk)
        before = bool(inbox.config.get("automation_public_replies"))
        if before == allowed:
            return False
        inbox.config = {**inbox.config, "automation_public_replies": allowed}
        inbox.save(update_fields=["config", "updated_at"])
        audit_record(
            actor=actor, action=AuditAction.INBOX_PUBLIC_REPLIES_CHANGED, target=inbox, before=before, after=allowed
        )
    return True


def inbox_connection_test(*, inbox: Inbox) -> channel_registry.ConnectionResult | None:
    """Ask the platform whether the inbox's credentials work (network: call outside any
    transaction). A success clears "needs re-authorisation". None: the channel has no test."""
    test = channel_registry.for_inbox(inbox).connection_test
    if test is None:
        return None
    result = test(inbox)
    if result.ok and inbox.needs_reauth:
        Inbox.objects.filter(pk=inbox.pk).update(needs_reauth=False)
        inbox.needs_reauth = False
    return result


def inbox_summary(inbox: Inbox) -> dict:
    """What a person setting up the inbox needs next (no secrets)."""
    return {"id": inbox.pk, "kind": inbox.kind, **channel_registry.get(inbox.kind).setup_summary(inbox)}


def agent_create(*, username: str, password: str, role: str, inbox_ids=(), email: str = "", name: str = "", actor=None):
    if role not in Role.values:
        raise ProvisioningError(f"Unknown role '{role}': choose one of {', '.join(Role.values)}.")
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ProvisioningError(f"A user named '{username}' already exists.")
    inboxes = list(Inbox.objects.filter(pk__in=inbox_ids))
    missing = set(map(int, inbox_ids)) - {i.pk for i in inboxes}
    if missing:
        raise ProvisioningError(f"No inbox with id {', '.join(map(str, sorted(missing)))}.")
    first, _, last = name.partition(" ")
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=password,
            email=email,
            first_name=first,
            last_name=last,
            is_staff=role in (Role.LEAD, Role.ADMIN),
            is_superuser=role == Role.ADMIN,
        )
        AgentProfile.objects.create(user=user, role=role)
        for inbox in inboxes:
            inbox.members.add(user)
        audit_record(actor=actor, action=AuditAction.AGENT_CREATED, target=user, label=username, role=role)
    return user


def api_token_for(*, username: str) -> str:
    User = get_user_model()
    try:
        user = User.objects.get(username=username)
    except User.DoesNotExist:
        raise ProvisioningError(f"No user named '{username}'.") from None
    return Token.objects.get_or_create(user=user)[0].key
