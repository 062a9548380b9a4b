"""Starting a conversation from a contact's page: which of the agent's inboxes can reach the
customer now, and the first message (free text where the channel's window is open, an
approved template where the channel has them). Everything that differs per channel comes
from the registry: `start_address` (where to write, or why not), `start_continues`, `window`,
`templates`, and the composer's fields (an email's subject) through `composer_fields` and
`composer_content`.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm import services as crm_services
from crm.models import Contact

from . import access, channel_registry, replies
from .events import event_record
from .models import Conversation, ConversationStatus, EventKind, Inbox


class ConversationStartRefused(channel_registry.StartRefused):
    pass


@dataclass
class StartOption:
    """One inbox, as the contact page offers it."""

    inbox: Inbox
    possible: bool
    reason: str = ""  # why not, or what limits it (the window)
    note: str = ""  # what an agent should know while it is open (Messenger's HUMAN_AGENT tag)
    free_text: bool = False
    templates: list = field(default_factory=list)
    conversation: Conversation | None = None  # the open one a message would continue
    fields: list = field(default_factory=list)  # the channel's composer fields (ComposerField)


def _probe(inbox: Inbox, contact: Contact) -> tuple[Conversation | None, Conversation]:
    """The contact's unclosed conversation in the inbox (if any, and if the channel continues
    it), and the conversation whose window decides: that one, or an unsaved one carrying when
    the customer last wrote there."""
    current = None
    if channel_registry.get(inbox.kind).start_continues:
        current = (
            Conversation.objects.filter(inbox=inbox, contact=contact)
            .exclude(status=ConversationStatus.CLOSED)
            .order_by("-last_message_at")
            .first()
        )
    if current is not None:
        return current, current
    last = Conversation.objects.filter(inbox=inbox, contact=contact).aggregate(at=Max("last_customer_message_at"))["at"]
    return None, Conversation(inbox=inbox, contact=contact, last_customer_message_at=last)


def start_options(*, user, contact: Contact) -> list[StartOption]:
    """Per active inbox the user works in: can a conversation be started, with what, or why not."""
    options = []
    for inbox in access.visible_inboxes(user).filter(is_active=True).order_by("name"):
        if not channel_registry.known(inbox.kind):
            continue
        options.append(_option(inbox, contact))
    return options


def _option(inbox: Inbox, contact: Contact) -> StartOption:
    channel = channel_registry.get(inbox.kind)
    if channel.start_address is None:
        reason = channel.start_refused_reason or _("This channel cannot start a conversation.")
        return StartOption(inbox=inbox, possible=False, reason=str(reason))
    try:
        channel.start_address(inbox, contact)
    except channel_registry.StartRefused as refused:
        return StartOption(inbox=inbox, possible=False, reason=refused.reason)
    current, probe = _probe(inbox, contact)
    window = channel.window(probe)
    templates = list(channel.templates(inbox)) if channel.templates else []
    option = StartOption(
        inbox=inbox,
        possible=window.open or bool(templates),
        reason="" if window.open else str(window.reason),
        note=str(window.note),
        free_text=window.open,
        templates=templates,
        conversation=current,
        fields=list(channel.composer_fields(probe)) if channel.composer_fields and window.open else [],
    )
    if not option.possible and channel.template_compose is not None:
        option.reason = f"{option.reason} {_('This inbox has no approved templates yet.')}".strip()
    return option


def conversation_start(
    *,
    agent,
    contact: Contact,
    inbox: Inbox,
    text: str = "",
    template: tuple[str, str] | None = None,
    parameters: list[str] | None = None,
    fields: dict | None = None,
) -> Conversation:
    """Write to the customer first: continue their unclosed conversation in the inbox (where
    the channel does) or start one (assigned to the agent), with free text (the channel's window
    must be open) or an approved template (`template` = (name, language)). `fields`: what was
    typed in the channel's composer fields ({name: text}, an email's subject), for free text.
    All or nothing: a refused message leaves no new conversation behind. Raises
    ConversationStartRefused or replies.ReplyRefused."""
    access.access_inbox(agent, inbox.pk)
    channel = channel_registry.get(inbox.kind)
    if channel.start_address is None:
        raise ConversationStartRefused(channel.start_refused_reason or _("This channel cannot start a conversation."))
    try:
        address = channel.start_address(inbox, contact)
    except channel_registry.StartRefused as refused:
        raise ConversationStartRefused(refused.message, code=refused.code, **refused.params) from None
    with transaction.atomic():
        conversation = _conversation_for(agent=agent, contact=contact, inbox=inbox, address=address)
        if template is not None:
            name, language = template
            replies.template_send(
                conversation=conversation, author=agent, name=name, language=language, parameters=parameters or []
            )
        else:
            replies.reply_send(
                conversation=conversation, author=agent, text=text, content=_composed(channel, conversation, fields)
            )
    return conversation


def _composed(channel, conversation: Conversation, fields: dict | None) -> dict | None:
    if channel.composer_content is None:
        return None
    try:
        return channel.composer_content(conversation, fields or {}) or None
    except channel_registry.ComposerRefused as refused:
        raise ConversationStartRefused(refused.message, code=refused.code, **refused.params) from None


def _conversation_for(*, agent, contact: Contact, inbox: Inbox, address: str) -> Conversation:
    try:
        identity = crm_services.identity_attach(contact=contact, channel=inbox.kind, external_id=address)
    except ValidationError as taken:
        raise ConversationStartRefused(taken.messages[0]) from None
    current, probe = _probe(inbox, contact)
    if current is not None:
        return Conversation.objects.select_for_update().get(pk=current.pk)
    now = timezone.now()
    conversation = Conversation.objects.create(
        inbox=inbox,
        contact=contact,
        identity=identity,
        team=inbox.team,
        assignee=agent,
        last_message_at=now,
        # The platform's window runs from the customer's last message on this channel, not
        # from this conversation's start.
        last_customer_message_at=probe.last_customer_message_at,
    )
    event_record(conversation=conversation, kind=EventKind.CREATED, actor=agent, data={"started_by": "agent"})
    event_record(conversation=conversation, kind=EventKind.ASSIGNED, actor=agent, data={"from": None, "to": agent.pk})
    return conversation
