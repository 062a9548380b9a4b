"""The WhatsApp Sender: deliver one outbox Message through the Cloud API.

Called by `inbox.outbox` outside any transaction. Builds the request body for the message's
kind (text, reply context, media from an agent's upload, template, reaction, interactive
buttons or list), respects the
phone number's throughput, and turns Meta's errors into retryable or permanent send errors.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from inbox.channel_registry import AttachmentRefused, PermanentSendError, RetryableSendError, SendError, SendResult
from inbox.services import inbox_credentials_rejected

from . import errors
from .graph import GraphError, graph_request
from .media import MB, SIZE_LIMITS

logger = logging.getLogger(__name__)

DEFAULT_MESSAGES_PER_SECOND = 80
MEDIA_KINDS = ("image", "video", "audio", "document", "sticker")
CAPTIONED_KINDS = ("image", "video", "document")


def message_send(message) -> SendResult:
    """Send `message` (conversation, inbox and identity loaded by the outbox)."""
    conversation = message.conversation
    inbox = conversation.inbox
    token = inbox.credentials.get("access_token", "")
    if not token or not inbox.external_id:
        raise PermanentSendError("Channel not configured: this WhatsApp inbox has no access token or phone number id.")
    try:
        body = message_body(message, token=token)
        throughput_wait(inbox)
        answer = graph_request("POST", f"/{inbox.external_id}/messages", token=token, json=body)
    except GraphError as error:
        raise graph_failure_record(error, inbox_id=inbox.pk, attempt=message.attempts) from error
    sent = answer.get("messages") or [{}]
    external_id = sent[0].get("id")
    if not external_id:
        raise RetryableSendError("WhatsApp accepted the request but returned no message id.")
    return SendResult(external_id=external_id)


def message_body(message, *, token: str) -> dict:
    """The JSON body for POST /{phone-number-id}/messages (uploads media first)."""
    conversation = message.conversation
    body = {"messaging_product": "whatsapp", "recipient_type": "individual", **_recipient(conversation.identity)}
    reply_to = message.reply_to
    if message.kind == "reaction":
        if reply_to is None or not reply_to.external_id:
            raise PermanentSendError("A reaction needs a WhatsApp message to react to.")
        emoji = str(message.content.get("emoji") or message.text or "")
        return {**body, "type": "reaction", "reaction": {"message_id": reply_to.external_id, "emoji": emoji}}
    if reply_to is not None and reply_to.external_id:
        body["context"] = {"message_id": reply_to.external_id}
    if message.kind == "template":
        return {**body, "type": "template", "template": _template_payload(message.content)}
    if message.kind == "interactive":
        return {**body, "type": "interactive", "interactive": interactive_payload(message.text, message.content)}
    attachment = _first_attachment(message)
    if attachment is not None:
        return {**body, **_media_payload(message, attachment, token=token)}
    if len(message.text) > 4096:
        raise PermanentSendError("WhatsApp text messages can be at most 4,096 characters.")
    preview = bool(conversation.inbox.config.get("link_preview", False))
    return {**body, "type": "text", "text": {"body": message.text, "preview_url": preview}}


# What WhatsApp accepts per media type (Cloud API "Supported media types"); anything else goes
# as a document, which WhatsApp delivers as a file whatever its type.
OUTBOUND_MEDIA_TYPES = {
    "image": ("image/jpeg", "image/png"),
    "video": ("video/mp4", "video/3gpp"),
    "audio": ("audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"),
}


def attachment_kind(inbox, mime_type: str, size: int) -> str:
    """How an agent's file goes out on WhatsApp, within WhatsApp's size limit for that kind."""
    base_type = (mime_type or "").split(";", 1)[0].strip().lower()
    kind = next((k for k, types in OUTBOUND_MEDIA_TYPES.items() if base_type in types), "document")
    limit = SIZE_LIMITS[kind]
    if size > limit:
        raise AttachmentRefused(
            _("WhatsApp accepts {kind} files up to {limit} MB; this one is {size} MB."),
            code="file_too_large",
            kind=kind,
            limit=limit // MB,
            size=f"{size / MB:.1f}",
        )
    if size == 0:
        raise AttachmentRefused(_("The file is empty."), code="file_empty")
    return kind


# Cloud API limits of interactive messages ("Interactive reply buttons" / "list messages").
MAX_BUTTONS, MAX_ROWS = 3, 10
BUTTON_TITLE, ROW_TITLE, ROW_DESCRIPTION, LIST_BUTTON = 20, 24, 72, 20
INTERACTIVE_BODY = 1024


def interactive_payload(text: str, content: dict) -> dict:
    """An outbound choice (`content["choices"]`: id, title, optional description) as WhatsApp
    reply buttons (up to 3) or a list message (up to 10 rows, opened with `content["button"]`).
    The customer's tap comes back as a button_reply / list_reply carrying the choice's id."""
    choices = content.get("choices") or []
    if not choices or not text:
        raise PermanentSendError("An interactive message needs a text and at least one choice.")
    if len(text) > INTERACTIVE_BODY:
        raise PermanentSendError("WhatsApp interactive messages can have at most 1,024 characters of text.")
    if len(choices) > MAX_ROWS:
        raise PermanentSendError("A WhatsApp list message has at most 10 rows.")
    if len(choices) <= MAX_BUTTONS and not any(choice.get("description") for choice in choices):
        buttons = [
            {"type": "reply", "reply": {"id": str(c["id"])[:256], "title": str(c["title"])[:BUTTON_TITLE]}}
            for c in choices
        ]
        return {"type": "button", "body": {"text": text}, "action": {"buttons": buttons}}
    rows = []
    for choice in choices:
        row = {"id": str(choice["id"])[:200], "title": str(choice["title"])[:ROW_TITLE]}
        if choice.get("description"):
            row["description"] = str(choice["description"])[:ROW_DESCRIPTION]
        rows.append(row)
    button = str(content.get("button") or "Choose")[:LIST_BUTTON]
    return {"type": "list", "body": {"text": text}, "action": {"button": button, "sections": [{"rows": rows}]}}


def _recipient(identity) -> dict:
    # The wa_id exactly as WhatsApp sent it (never a reformatted phone: Brazilian and Mexican
    # ids differ from the E.164 number). Username users without a phone number are reached by
    # their business-scoped user id (`CC.digits`).
    external_id = identity.external_id
    if external_id.isdigit():
        return {"to": external_id}
    return {"recipient": external_id}


def _template_payload(content: dict) -> dict:
    template = content.get("template") or {}
    payload = {"name": template["name"], "language": {"code": template["language"]}}
    if template.get("components"):
        payload["components"] = template["components"]
    return payload


def _first_attachment(message):
    # One WhatsApp message carries one media item; the composer sends one file per message.
    return next((a for a in message.attachments.all() if a.file), None)


def _media_payload(message, attachment, *, token: str) -> dict:
    kind = attachment.kind if attachment.kind in MEDIA_KINDS else "document"
    media_id = media_upload(message.conversation.inbox, attachment, token=token)
    media = {"id": media_id}
    if kind in CAPTIONED_KINDS and message.text:
        media["caption"] = message.text
    if kind == "document":
        media["filename"] = attachment.filename or attachment.file.name.rsplit("/", 1)[-1]
    return {"type": kind, kind: media}


def media_upload(inbox, attachment, *, token: str) -> str:
    """Upload a stored file to /{phone-number-id}/media; returns the media id."""
    mime_type = attachment.mime_type or "application/octet-stream"
    filename = attachment.filename or attachment.file.name.rsplit("/", 1)[-1]
    with attachment.file.open("rb") as handle:
        answer = graph_request(
            "POST",
            f"/{inbox.external_id}/media",
            token=token,
            data={"messaging_product": "whatsapp", "type": mime_type},
            files={"file": (filename, handle, mime_type)},
        )
    if not answer.get("id"):
        raise RetryableSendError("WhatsApp accepted the upload but returned no media id.")
    return str(answer["id"])


def graph_failure_record(error: GraphError, *, inbox_id: int, attempt: int) -> SendError:
    """Record a failed Graph call: a rejected token flags the inbox for new credentials. Returns
    Meta's error as the outbox understands it (retry or not, in words for the agent)."""
    code = error.code
    if code in errors.REAUTH_CODES or error.http_status == 401:
        inbox_credentials_rejected(inbox_id=inbox_id, reason=error.message)
        return PermanentSendError(errors.REAUTH_REASON, code=str(code if code is not None else 190))
    reason = errors.reason_for(code, title=error.title, details=error.details) if code is not None else error.message
    if code is None and error.http_status is None:
        return RetryableSendError(reason)  # timeout or connection error
    if errors.is_retryable(code, http_status=error.http_status):
        retry_after = 4 ** max(attempt - 1, 0) if code == errors.PAIR_RATE_LIMIT else None
        return RetryableSendError(reason, code=str(code or error.http_status), retry_after=retry_after)
    return PermanentSendError(reason, code=str(code if code is not None else error.http_status))


def throughput_wait(inbox, *, max_wait: float = 2.0) -> None:
    """Per phone number rate limit (default 80 messages/s, `config["messages_per_second"]`).

    A counter per phone number and second in Django's cache: shared by every worker when the
    cache is Redis (REDIS_URL), per process with the local-memory cache of the embedded
    default (one process sends there). Over the limit: wait for the next second; still over
    after `max_wait`: retry later instead of holding the worker."""
    limit = int(inbox.config.get("messages_per_second") or getattr(settings, "WHATSAPP_MESSAGES_PER_SECOND", 0))
    limit = limit or DEFAULT_MESSAGES_PER_SECOND
    deadline = time.monotonic() + max_wait
    while True:
        second = int(time.time())
        key = f"whatsapp:mps:{inbox.external_id}:{second}"
        try:
            cache.add(key, 0, timeout=5)
            used = cache.incr(key)
        except Exception:  # the limiter must not stop sending when the cache is down
            logger.warning("throughput limiter unavailable; sending without it", exc_info=True)
            return
        if used <= limit:
            return
        if time.monotonic() >= deadline:
            raise RetryableSendError("Sending rate limit of this WhatsApp number reached.", retry_after=1)
        time.sleep(max(second + 1 - time.time(), 0.01))
