"""Read receipts: when an agent opens a WhatsApp conversation, tell WhatsApp the customer's
messages were read (blue ticks). Per inbox: `config["mark_read"]` (default on)."""

import logging

from .graph import GraphError, graph_request

logger = logging.getLogger(__name__)


def conversation_mark_read(conversation) -> bool:
    """Mark the customer's latest message read (WhatsApp marks all earlier ones with it).
    Best effort: a failure is logged, never shown to the agent. Returns True if sent."""
    inbox = conversation.inbox
    if not inbox.config.get("mark_read", True):
        return False
    latest = (
        conversation.messages.filter(direction="in", sender_type="contact", external_id__isnull=False)
        .order_by("-sent_at", "-id")
        .values_list("external_id", flat=True)
        .first()
    )
    if not latest:
        return False
    body = {"messaging_product": "whatsapp", "status": "read", "message_id": latest}
    try:
        graph_request(
            "POST", f"/{inbox.external_id}/messages", token=inbox.credentials.get("access_token", ""), json=body
        )
    except GraphError as error:
        logger.info("could not mark conversation %s read on WhatsApp: %s", conversation.pk, error)
        return False
    return True
