"""Creating inboxes, agents and API tokens: the logic behind the management commands."""

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token

from audit.models import AuditAction
from audit.services import audit_record

from . import channel_registry
from .models import AgentProfile, Inbox, Role


class ProvisioningError(Exception):
    pass


def inbox_create(
    *,
    kind: str,
    name: str,
    external_id: str = "",
    credentials: dict | None = None,
    config: dict | None = None,
    members=(),
    actor=None,
) -> Inbox:
    """Create an inbox of `kind` with its credentials (never echoed back) and members."""
    if not channel_registry.known(kind):
        raise ProvisioningError(f"Unknown inbox kind '{kind}'.")
    with transaction.atomic():
        inbox = Inbox.objects.create(
            kind=kind,
            name=name,
            external_id=external_id,
            credentials=credentials or {},
            config=config or {},
            first_response_target_seconds=channel_registry.get(kind).first_response_target_seconds,
        )
        if members:
            inbox.members.add(*members)
        audit_record(actor=actor, action=AuditAction.INBOX_CREATED, target=inbox, kind=kind)
    return inbox


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
