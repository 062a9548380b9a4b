"""Plain `make_*` factories: real rows through the real models, no callbacks to switch off."""

import itertools
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.authtoken.models import Token

from crm.models import Contact, ContactIdentity
from inbox.models import AgentProfile, Conversation, Inbox, Message
from inbox.normalized import InboundMessage, SenderProfile

_seq = itertools.count(1)


def make_inbox(kind: str = "whatsapp", *, name: str = "", members=(), **fields) -> Inbox:
    n = next(_seq)
    inbox = Inbox.objects.create(
        kind=kind, name=name or f"{kind} inbox {n}", external_id=fields.pop("external_id", f"ext{n}"), **fields
    )
    if members:
        inbox.members.add(*members)
    return inbox


def make_user(username: str = "", *, role: str = "agent", inboxes=(), password: str = "pw-secret-123") -> object:
    User = get_user_model()
    user = User.objects.create_user(username=username or f"agent{next(_seq)}", password=password)
    AgentProfile.objects.create(user=user, role=role)
    for inbox in inboxes:
        inbox.members.add(user)
    return user


def make_token(user) -> str:
    return Token.objects.create(user=user).key


def make_contact(**fields) -> Contact:
    return Contact.objects.create(**{"name": f"Customer {next(_seq)}", **fields})


def make_conversation(inbox: Inbox | None = None, *, contact: Contact | None = None, **fields) -> Conversation:
    inbox = inbox or make_inbox()
    contact = contact or make_contact()
    identity = ContactIdentity.objects.create(contact=contact, channel=inbox.kind, external_id=f"id-{next(_seq)}")
    return Conversation.objects.create(
        inbox=inbox, contact=contact, identity=identity, last_message_at=timezone.now(), **fields
    )


def make_message(conversation: Conversation, *, direction: str = "in", text: str = "hello", **fields) -> Message:
    defaults = {
        "sender_type": "contact" if direction == "in" else "agent",
        "sent_at": timezone.now(),
        "status": "delivered" if direction == "in" else "sent",
    }
    return Message.objects.create(
        conversation=conversation,
        inbox_id=conversation.inbox_id,
        direction=direction,
        text=text,
        **{**defaults, **fields},
    )


def inbound(
    external_id: str = "",
    *,
    sender_id: str = "31612345678",
    name: str = "Sanne de Vries",
    phone: str = "",
    email: str = "",
    details_verified: bool = False,
    text: str = "Hallo, waar blijft mijn bestelling?",
    at: datetime | None = None,
    **fields,
) -> InboundMessage:
    return InboundMessage(
        external_id=external_id or f"wamid.{next(_seq)}",
        sender=SenderProfile(
            external_id=sender_id, display_name=name, phone=phone, email=email, details_verified=details_verified
        ),
        timestamp=at or timezone.now(),
        text=text,
        **fields,
    )
