"""Messenger webhook payload -> plain dataclasses: the shared Messenger Platform parser
(`meta_platform.messaging_parser`) for a Facebook Page's `page` object. Pure: no database, no
network."""

from meta_platform.messaging_parser import (
    REFERENCE_PREFIX,
    Ignored,
    Item,
    MessagingParser,
    payload_shape_valid,
    webhook_split,
)

PARSER = MessagingParser()


def payload_parse(payload: dict, *, page_id: str = "") -> list[Item]:
    """Everything in one webhook body that belongs to `page_id` (all Pages when empty)."""
    return PARSER.payload_parse(payload, account_id=page_id)


event_parse = PARSER.event_parse
message_fields = PARSER.message_fields
placeholder_name = PARSER.placeholder_name

__all__ = [
    "REFERENCE_PREFIX",
    "Ignored",
    "event_parse",
    "message_fields",
    "payload_parse",
    "payload_shape_valid",
    "placeholder_name",
    "webhook_split",
]
