"""The inbox's own addresses, a conversation's reply address, and the identity of a thread.

An email conversation is one thread. The core keeps one unclosed conversation per customer
identity and inbox, so each thread is an identity of its own: `<address>#<thread>`, all of them
on the customer's one contact (the address is a verified matching key, as a WhatsApp number is).
A new subject from a known customer is then a new conversation on the same contact.

With plus-addressing on, replies are sent with a Reply-To of the conversation's own address,
`support+c<id>-<check>@acme.nl`: the check is a keyed hash of the id, so nobody can write into
another customer's conversation by guessing ids.
"""

import base64
import hashlib
import hmac
import re

from django.conf import settings


def inbox_address(inbox) -> str:
    return str((inbox.config or {}).get("address") or "").strip().lower()


def own_addresses(inbox) -> set[str]:
    config = inbox.config or {}
    found = {
        inbox_address(inbox),
        str(config.get("imap_user") or "").lower(),
        str(config.get("smtp_user") or "").lower(),
    }
    return {address for address in found if "@" in address}


def is_own_address(inbox, address: str) -> bool:
    """Our own mailbox, or one of its plus-addresses (a loop of our own replies)."""
    address = (address or "").lower()
    local, _, domain = address.partition("@")
    base = f"{local.split('+', 1)[0]}@{domain}"
    return address in own_addresses(inbox) or base in own_addresses(inbox)


def _check(conversation_id: int) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"email-conversation:{conversation_id}".encode(), hashlib.sha256)
    return base64.b32encode(digest.digest()).decode()[:8].lower()


def conversation_address(inbox, conversation_id: int) -> str:
    local, _, domain = inbox_address(inbox).partition("@")
    return f"{local}+c{conversation_id}-{_check(conversation_id)}@{domain}"


_TOKEN = re.compile(r"^[^@+]+\+c(\d{1,18})-([a-z2-7]{8})@")


def conversation_id_from_address(inbox, address: str) -> int | None:
    """The conversation a plus-address names, if its check holds and it is this inbox's domain."""
    match = _TOKEN.match((address or "").lower())
    if not match or address.lower().rpartition("@")[2] != inbox_address(inbox).rpartition("@")[2]:
        return None
    conversation_id = int(match.group(1))
    return conversation_id if hmac.compare_digest(match.group(2), _check(conversation_id)) else None


def thread_identity(address: str, root_message_id: str) -> str:
    """The identity external id of a new thread of `address`, started by `root_message_id`."""
    token = hashlib.sha256(root_message_id.encode()).hexdigest()[:10]
    return f"{address.lower()}#{token}"


def identity_address(external_id: str) -> str:
    return external_id.split("#", 1)[0]


def message_id_for(inbox, message_pk: int) -> str:
    """Our Message-ID for an outbound message: the same on every attempt, so a resend after a
    worker died is one message to the customer's client, not two."""
    domain = inbox_address(inbox).rpartition("@")[2] or "webcare.invalid"
    digest = hmac.new(settings.SECRET_KEY.encode(), f"email-message:{message_pk}".encode(), hashlib.sha256)
    return f"<webcare.{message_pk}.{digest.hexdigest()[:8]}@{domain}>"


_OUR_MESSAGE_ID = re.compile(r"^<webcare\.(\d{1,18})\.([0-9a-f]{8})@")


def message_pk_from_id(inbox, message_id: str) -> int | None:
    """The message one of our Message-IDs was made for, if its check holds."""
    match = _OUR_MESSAGE_ID.match((message_id or "").strip().lower())
    if not match:
        return None
    pk = int(match.group(1))
    return pk if hmac.compare_digest(message_id_for(inbox, pk).lower(), message_id.strip().lower()) else None
