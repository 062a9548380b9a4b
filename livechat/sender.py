"""The live-chat Sender: an agent's reply goes to the visitor's realtime group."""

from inbox import realtime
from inbox.channel_registry import SendResult
from inbox.models import Message, SenderType


def send_to_visitor(message: Message) -> SendResult:
    """Publish the reply to every open tab of the visitor. The widget fetches history on
    (re)connect, so a visitor who is offline now still sees the reply later. An agent who
    replies has read what came before: the visitor's messages show "seen"."""
    from .services import messages_seen  # services import the inbox; keep app loading light

    realtime.publish_now(
        [realtime.visitor_group(message.conversation.identity_id)],
        {
            "type": realtime.EVENT_HANDLER_TYPE,
            "event": "message_created",
            "conversation_id": message.conversation_id,
            "message_id": message.pk,
        },
    )
    if message.sender_type == SenderType.AGENT:
        messages_seen(conversation=message.conversation, until=message.sent_at)
    return SendResult(external_id=f"livechat-{message.pk}", status="sent")
