"""Writes of the live chat: a visitor's message (text or file) into `inbox.ingest`, "seen"
when an agent has read, and agents' typing for the visitor.

Visitor-facing events go to the visitor's realtime group after commit, so every open tab of
the visitor (and every device of a verified user) shows the same conversation. Before the
visitor's first message there is no identity and so no `visitor.<identity id>` group yet: tabs
then wait in a pending group keyed by the identity key, and the first message tells them
which group to join (`identity_ready`).
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm import services as crm_services
from crm.models import ContactIdentity
from inbox.ingest import message_ingest
from inbox.models import AttachmentStatus, Conversation, DeliveryStatus, Direction, Inbox, Message, MessageKind
from inbox.normalized import InboundAttachment, InboundMessage, SenderProfile
from kernel import realtime
from kernel.refusals import Refused

from . import KIND, limits, selectors
from .sessions import Visitor

CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
CHOICE_ID = re.compile(r"^[A-Za-z0-9_:-]{1,64}$")


class VisitorMessageRefused(Refused):
    """A clear, visitor-facing refusal: `code` is stable for the widget, `reason` for people."""

    def __init__(self, message, *, code: str, retry_after: int = 0, **params) -> None:
        super().__init__(message, code=code, **params)
        self.retry_after = retry_after


@dataclass(frozen=True)
class VisitorProfile:
    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class VisitorUpload:
    name: str
    content_type: str
    size: int
    file: object = field(repr=False)  # a Django UploadedFile


@dataclass(frozen=True)
class Received:
    message: Message
    created: bool
    identity_id: int


def pending_group(identity_key: str) -> str:
    """Where a visitor's tabs wait until their identity exists (group names allow few characters)."""
    return "visitor-pending." + hashlib.sha256(identity_key.encode()).hexdigest()[:40]


def profile_from(data) -> VisitorProfile:
    """Validate pre-chat / offline details sent by the widget."""
    if not isinstance(data, dict):
        return VisitorProfile()
    name, email, phone = (str(data.get(key) or "").strip() for key in ("name", "email", "phone"))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise VisitorMessageRefused(_("That email address does not look right."), code="invalid_email") from None
    if len(name) > 120 or len(phone) > 32:
        raise VisitorMessageRefused(_("Name or phone number is too long."), code="invalid_details")
    return VisitorProfile(name=name, email=email, phone=phone)


def visitor_language(code) -> str:
    """The widget's language when we ship it (the contact's language for every bot and survey
    message), else nothing."""
    code = str(code or "")[:2].lower() if isinstance(code, str) else ""
    return code if code in selectors.LANGUAGES else ""


def visitor_message_receive(
    *,
    inbox: Inbox,
    visitor: Visitor,
    client_id,
    text="",
    profile: VisitorProfile | None = None,
    upload: VisitorUpload | None = None,
    page: str = "",
    choice=None,
    language: str = "",
) -> Received:
    """Hand a visitor's message to `inbox.ingest`. Idempotent on the widget's client id: a
    resend after a reconnect returns the stored message instead of a second one."""
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise VisitorMessageRefused(
            _("A message needs a client id (1-64 letters, digits, - or _)."), code="invalid_client_id"
        )
    text = text.strip() if isinstance(text, str) else ""
    if len(text) > limits.MAX_TEXT_LENGTH:
        raise VisitorMessageRefused(
            _("A message can have at most {limit} characters."),
            code="message_too_long",
            limit=f"{limits.MAX_TEXT_LENGTH:,}",
        )
    if not text and upload is None:
        raise VisitorMessageRefused(_("The message is empty."), code="empty_message")
    if choice is not None and (not isinstance(choice, str) or not CHOICE_ID.match(choice)):
        raise VisitorMessageRefused(_("That is not one of the offered answers."), code="invalid_choice")

    identity_key = visitor.identity_key
    existing = Message.objects.filter(inbox=inbox, external_id=visitor.external_message_id(client_id)).first()
    if existing is not None:
        return _resent(existing, identity_key)

    identity = ContactIdentity.objects.filter(channel=KIND, external_id=identity_key).first()
    profile = profile or VisitorProfile()
    if identity is None:
        _check_prechat(inbox, profile)
    if upload is not None:
        _check_upload(inbox, upload)
    verdict = limits.message_send(inbox, identity_key)
    if not verdict.allowed:
        raise VisitorMessageRefused(
            _("You are sending messages too fast; wait a moment."), code="rate_limited", retry_after=verdict.retry_after
        )
    return _ingest(
        inbox,
        visitor,
        client_id,
        text,
        profile,
        upload,
        page,
        choice=choice,
        language=language,
        identity_known=identity is not None,
    )


def _resent(existing: Message, identity_key: str) -> Received:
    identity = existing.conversation.identity
    if identity.channel != KIND or identity.external_id != identity_key:
        # Only possible if two visitors' namespaced ids collided: never answer with theirs.
        raise VisitorMessageRefused(_("That client id is already taken."), code="invalid_client_id")
    return Received(message=existing, created=False, identity_id=identity.pk)


def _check_prechat(inbox: Inbox, profile: VisitorProfile) -> None:
    missing = [name for name, rule in selectors.prechat_fields(inbox).items() if rule == "required"]
    missing = [name for name in missing if not getattr(profile, name)]
    if missing:
        raise VisitorMessageRefused(_("Please fill in: {fields}."), code="details_required", fields=", ".join(missing))


def _check_upload(inbox: Inbox, upload: VisitorUpload) -> None:
    rules = limits.attachment_rules(inbox)
    if not rules["enabled"]:
        raise VisitorMessageRefused(_("This chat does not accept files."), code="attachments_disabled")
    if upload.size > rules["max_bytes"]:
        raise VisitorMessageRefused(
            _("Files can be at most {limit} MB."), code="file_too_large", limit=rules["max_bytes"] // (1024 * 1024)
        )
    if upload.content_type not in rules["types"]:
        raise VisitorMessageRefused(_("This type of file is not accepted."), code="file_type_not_allowed")


def _ingest(
    inbox, visitor, client_id, text, profile, upload, page, *, choice, language: str, identity_known: bool
) -> Received:
    kind = MessageKind.TEXT
    attachments = ()
    content = {}
    if choice and upload is None:
        # A tapped answer button: the text is its title, the id says what was chosen.
        kind, content = MessageKind.INTERACTIVE, {"type": "choice", "choice": choice}
    if upload is not None:
        kind = MessageKind.IMAGE if upload.content_type.startswith("image/") else MessageKind.DOCUMENT
        attachments = (
            InboundAttachment(kind=kind, mime_type=upload.content_type, filename=upload.name, size=upload.size),
        )
    inbound = InboundMessage(
        external_id=visitor.external_message_id(client_id),
        sender=SenderProfile(
            external_id=visitor.identity_key,
            display_name=profile.name,
            phone=profile.phone,
            email=profile.email,
            locale=language,
            verified_user_id=visitor.verified_user_id,
        ),
        timestamp=timezone.now(),
        kind=kind,
        text=text,
        content=content,
        attachments=attachments,
        source={"page": page[:500]} if isinstance(page, str) and page.startswith(("http://", "https://")) else {},
    )
    with transaction.atomic():
        result = message_ingest(inbox=inbox, inbound=inbound)
        message = result.message
        identity_id = message.conversation.identity_id
        if not result.created:  # a concurrent resend won the race
            return Received(message=message, created=False, identity_id=identity_id)
        if upload is not None:
            _attachment_store(message, upload)
        if identity_known and (profile.name or profile.email or profile.phone):
            crm_services.contact_details_add(
                contact=message.conversation.contact, name=profile.name, email=profile.email, phone=profile.phone
            )
        realtime.visitor_publish(
            to_identity=identity_id,
            event="message_created",
            conversation_id=message.conversation_id,
            message_id=message.pk,
        )
        if not identity_known:
            # Waiting tabs were not in the visitor group yet: this event carries the message too.
            realtime.visitor_publish(
                to_identity=None,
                waiting=[pending_group(visitor.identity_key)],
                event="identity_ready",
                identity_id=identity_id,
                conversation_id=message.conversation_id,
                message_id=message.pk,
            )
    return Received(message=message, created=True, identity_id=identity_id)


def _attachment_store(message: Message, upload: VisitorUpload) -> None:
    attachment = message.attachments.get()
    attachment.file.save(upload.name, upload.file, save=False)
    attachment.status = AttachmentStatus.STORED
    attachment.save(update_fields=["file", "status", "updated_at"])


def messages_seen(*, conversation: Conversation, until=None) -> int:
    """An agent has read the visitor's messages (up to `until`, a datetime): mark them read and
    show "seen" in the widget. Returns how many changed."""
    unread = Message.objects.filter(
        conversation=conversation,
        direction=Direction.IN,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENT, DeliveryStatus.DELIVERED],
    )
    if until is not None:
        unread = unread.filter(sent_at__lte=until)
    last_id = unread.order_by("-id").values_list("id", flat=True).first()
    if last_id is None:
        return 0
    now = timezone.now()
    changed = unread.filter(pk__lte=last_id).update(status=DeliveryStatus.READ, status_at=now, updated_at=now)
    if changed:
        realtime.visitor_publish(
            to_identity=conversation.identity_id, event="messages_seen", conversation_id=conversation.pk, up_to=last_id
        )
    return changed


def relayed_message_publish(*, message: Message, created: bool) -> None:
    """The visitor's answer that came by another channel (email), or its files stored since:
    to the visitor's open tabs, which show it (again) as it is now."""
    realtime.visitor_publish(
        to_identity=message.conversation.identity_id,
        event="message_created" if created else "message_updated",
        conversation_id=message.conversation_id,
        message_id=message.pk,
    )


def agent_typing_publish(*, conversation: Conversation, agent, typing: bool = True) -> None:
    """Show (or hide) "<agent> is typing" in the visitor's widget."""
    realtime.visitor_publish(
        to_identity=conversation.identity_id,
        event="agent_typing",
        conversation_id=conversation.pk,
        name=selectors.agent_public_name(agent, inbox=conversation.inbox),
        typing=bool(typing),
    )
