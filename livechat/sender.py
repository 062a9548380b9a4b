"""The live-chat Sender: an agent's reply goes to the visitor's realtime group."""

from inbox.channel_registry import SendResult
from inbox.models import Message, SenderType
from kernel import realtime


def send_to_visitor(message: Message) -> SendResult:
    """Publish the reply to every open tab of the visitor. The widget fetches history on
    (re)connect, so a visitor who is offline now still sees the reply later. An agent who
    replies has read what came before: the visitor's messages show "seen"."""
    from .services import messages_seen, pending_group  # services import the inbox; keep app loading light

    identity = message.conversation.identity
    realtime.visitor_publish(
        to_identity=identity.pk,
        # Also the pending group: a bot answers the visitor's very first message before the
        # visitor's tab has joined `visitor.<identity id>` (it is told to by `identity_ready`,
        # which follows the answer); the widget drops a message it already shows.
        waiting=[pending_group(identity.external_id)],
        now=True,
        event="message_created",
        conversation_id=message.conversation_id,
        message_id=message.pk,
    )
    if message.sender_type == SenderType.AGENT:
        messages_seen(conversation=message.conversation, until=message.sent_at)
        from .follow_up import reply_follow_up_maybe

        reply_follow_up_maybe(message)
    return SendResult(external_id=f"livechat-{message.pk}", status="sent")
