"""The Messenger Platform's Send API as a Sender, for a Page's Messenger and Instagram Direct
alike: deliver one outbox Message (`POST /{account-id}/messages`).

Called by `inbox.outbox` outside any transaction. Decides the `messaging_type` from the window
at send time (RESPONSE within 24 hours, the HUMAN_AGENT tag up to 7 days when the inbox has it,
refused otherwise before any call), uploads an agent's files with the message (multipart
`filedata`: upload and send in one call), and turns Meta's errors into retryable or permanent
send errors. A channel gives its name, limits, errors, window and Graph API access
(`MessagingSender`'s attributes).
"""

import json
import logging

from django.utils.translation import gettext_lazy as _

from inbox.channel_registry import (
    AttachmentRefused,
    LookupFailed,
    PermanentSendError,
    RetryableSendError,
    SendError,
    SendResult,
)
from inbox.services import inbox_credentials_rejected

from .graph import GraphError
from .media import MB
from .messaging_errors import MessagingErrors
from .messaging_parser import REFERENCE_PREFIX
from .messaging_rules import MessagingWindow

logger = logging.getLogger(__name__)

ATTACHMENT_TYPES = {"image": "image", "sticker": "image", "video": "video", "audio": "audio"}  # else "file"
MAX_QUICK_REPLIES, QUICK_REPLY_TITLE, QUICK_REPLY_PAYLOAD = 13, 20, 1000


class MessagingSender:
    """One channel's Sender on the Send API."""

    name = "Messenger"
    max_text = 2000
    size_limit = 25 * MB
    # Our message's id in the Send API's `metadata`, so an echo that outruns the send call's
    # answer is still recognised as ours.
    send_metadata = True
    not_configured = "Channel not configured: this Messenger inbox has no Page access token or Page id."
    too_large = _("Messenger accepts files up to {limit} MB; this one is {size} MB.")

    def __init__(self, *, errors: MessagingErrors, window: MessagingWindow, graph_request) -> None:
        self.errors = errors
        self.window = window
        self.graph_request = graph_request  # (method, path, *, inbox, token, **kwargs) -> dict

    def attachment_kind(self, inbox, mime_type: str, size: int) -> str:
        """How an agent's file goes out: image, video or audio by its type, anything else as a
        file, within the platform's size limit."""
        if size > self.size_limit:
            raise AttachmentRefused(
                self.too_large,
                code="file_too_large",
                limit=self.size_limit // MB,
                size=f"{size / MB:.1f}",
            )
        if size == 0:
            raise AttachmentRefused(_("The file is empty."), code="file_empty")
        major = (mime_type or "").split("/", 1)[0].lower()
        return major if major in ("image", "video", "audio") else "document"

    def message_send(self, message) -> SendResult:
        """Send `message` (conversation, inbox and identity loaded by the outbox): each file,
        then the text. The id of the last part is the message's external id."""
        conversation = message.conversation
        inbox = conversation.inbox
        token = inbox.credentials.get("access_token", "")
        if not token or not inbox.external_id:
            raise PermanentSendError(self.not_configured)
        if conversation.public:
            return self._comment_reply_send(message, token=token)
        if message.content.get("private_reply_to"):
            return self._private_reply_send(message, token=token)
        messaging = self.window.messaging_for(conversation, sender_type=message.sender_type)
        if message.kind == "reaction":
            return self._reaction_send(message, token=token)
        attachments = [a for a in message.attachments.all() if a.file]
        if len(message.text) > self.max_text:
            raise PermanentSendError(f"{self.name} text messages can be at most {self.max_text:,} characters.")
        if not attachments and not message.text:
            raise PermanentSendError("There is nothing to send: the message has no text and no file.")
        base = {"recipient": {"id": conversation.identity.external_id}, **messaging.as_fields()}
        reference = {"metadata": f"{REFERENCE_PREFIX}{message.pk}"} if self.send_metadata else {}
        external_id = None
        try:
            for attachment in attachments:
                external_id = self._attachment_send(inbox, base, attachment, reference=reference, token=token)
            if message.text:
                body = {**base, "message": {"text": message.text, **reference}}
                if message.kind == "interactive":
                    body["message"]["quick_replies"] = self.quick_replies(message.content)
                external_id = self._message_id(self._post(inbox, token=token, json=body))
        except GraphError as error:
            raise self.failure_record(error, inbox_id=inbox.pk) from error
        return SendResult(external_id=external_id)

    # --- Public comments ------------------------------------------------------------------------

    # Where a public reply to a comment goes: Facebook `/{comment-id}/comments`, Instagram
    # `/{comment-id}/replies`.
    comment_reply_edge = "comments"

    def _comment_reply_send(self, message, *, token: str) -> SendResult:
        """A reply in public, under the comment it answers (the agent's pick, else the
        customer's latest comment). The new comment's id is the message's external id."""
        from inbox.models import MessageKind

        target = message.reply_to
        if target is None or target.kind not in (MessageKind.COMMENT, MessageKind.MENTION):
            target = (
                message.conversation.messages.filter(direction="in", kind__in=("comment", "mention"))
                .order_by("-sent_at", "-pk")
                .first()
            )
        if target is None or not target.external_id:
            raise PermanentSendError("There is no comment to reply to in public.")
        if not message.text or message.attachments.exists():
            raise PermanentSendError("A public reply is text only.")
        inbox = message.conversation.inbox
        try:
            answer = self.graph_request(
                "POST",
                f"/{target.external_id}/{self.comment_reply_edge}",
                inbox=inbox,
                token=token,
                json={"message": message.text},
            )
        except GraphError as error:
            raise self.failure_record(error, inbox_id=inbox.pk) from error
        if not answer.get("id"):
            raise RetryableSendError(f"{self.name} accepted the comment but returned no id.")
        return SendResult(external_id=str(answer["id"]))

    # How a comment is hidden: Facebook `is_hidden`, Instagram `hide`.
    comment_hide_field = "is_hidden"

    def comment_moderate(self, message, action: str) -> None:
        """Hide or unhide a comment (`POST /{comment-id}`), or delete one of ours
        (`DELETE /{comment-id}`). Raises a SendError with Meta's reason."""
        inbox = message.conversation.inbox
        token = inbox.credentials.get("access_token", "")
        path = f"/{message.external_id}"
        try:
            if action == "delete":
                self.graph_request("DELETE", path, inbox=inbox, token=token)
            else:
                self.graph_request(
                    "POST", path, inbox=inbox, token=token, json={self.comment_hide_field: action == "hide"}
                )
        except GraphError as error:
            raise self.failure_record(error, inbox_id=inbox.pk) from error

    # The post a comment is on: the fields asked of `GET /{post-id}` and where each goes in the
    # conversation's source (Facebook Page posts; Instagram media overrides both).
    post_fields = {"message": "caption", "permalink_url": "permalink", "full_picture": "thumbnail_url"}

    def post_details(self, inbox, source: dict) -> dict:
        """Caption, picture and permalink of the post (and an ad's name when the webhook gave
        only its id). A failed call raises LookupFailed with what the other call found, so the
        inbox keeps that and tries again later."""
        token = inbox.credentials.get("access_token", "")
        details: dict = {}
        failures: list[str] = []
        if source.get("post_id") and not (source.get("caption") or source.get("thumbnail_url")):
            answer = self._lookup(
                inbox, f"/{source['post_id']}", ",".join(self.post_fields), token=token, failures=failures
            )
            details.update(self.post_details_read(answer))
        if source.get("ad_id") and not source.get("ad_title"):
            name = self._lookup(inbox, f"/{source['ad_id']}", "name", token=token, failures=failures).get("name")
            if name:
                details["ad_title"] = str(name)[:300]
        if failures:
            raise LookupFailed("; ".join(failures), partial=details)
        return details

    def post_details_read(self, answer: dict) -> dict:
        details = {}
        for field, key in self.post_fields.items():
            value = str(answer.get(field) or "")
            if key in ("permalink", "thumbnail_url", "media_url") and not value.startswith("https://"):
                continue  # shown as a link or an image: the platform's https addresses only
            if value:
                details[key] = value[:2000]
        return details

    def _lookup(self, inbox, path: str, fields: str, *, token: str, failures: list) -> dict:
        try:
            return self.graph_request("GET", path, inbox=inbox, token=token, params={"fields": fields})
        except GraphError as error:
            logger.info("%s %s: %s; the post card keeps the ids for now", self.name, path, error)
            failures.append(f"{path}: {error.message}")
            return {}

    def _private_reply_send(self, message, *, token: str) -> SendResult:
        """Meta's Private Reply: one message to the person behind a comment, addressed to the
        comment (`recipient.comment_id`), allowed once per comment within 7 days of it; the
        24-hour window plays no part (the person's answer opens it)."""
        inbox = message.conversation.inbox
        reference = {"metadata": f"{REFERENCE_PREFIX}{message.pk}"} if self.send_metadata else {}
        body = {
            "recipient": {"comment_id": message.content["private_reply_to"]},
            "message": {"text": message.text, **reference},
        }
        try:
            answer = self._post(inbox, token=token, json=body)
        except GraphError as error:
            raise self.failure_record(error, inbox_id=inbox.pk) from error
        # `recipient_id` is the person's id in Messenger (the PSID, not the commenter's id in
        # `feed`) or in Direct: the inbox links it to the commenter's contact.
        recipient = str(answer.get("recipient_id") or "") or None
        return SendResult(external_id=self._message_id(answer), recipient_id=recipient)

    def quick_replies(self, content: dict) -> list[dict]:
        """An outbound choice (`content["choices"]`: id, title) as quick replies (at most 13,
        titles up to 20 characters); the tap comes back with the choice's id as payload."""
        choices = content.get("choices") or []
        if not choices or len(choices) > MAX_QUICK_REPLIES:
            raise PermanentSendError(f"{self.name} shows 1 to 13 quick replies.")
        return [
            {
                "content_type": "text",
                "title": str(choice["title"])[:QUICK_REPLY_TITLE],
                "payload": str(choice["id"])[:QUICK_REPLY_PAYLOAD],
            }
            for choice in choices
        ]

    def _attachment_send(self, inbox, base: dict, attachment, *, reference: dict, token: str) -> str:
        """Upload and send in one multipart request (no reusable asset: nothing to expire)."""
        kind = ATTACHMENT_TYPES.get(attachment.kind, "file")
        mime_type = attachment.mime_type or "application/octet-stream"
        filename = attachment.filename or attachment.file.name.rsplit("/", 1)[-1]
        fields = {key: json.dumps(value) if isinstance(value, dict) else value for key, value in base.items()}
        fields["message"] = json.dumps({"attachment": {"type": kind, "payload": {"is_reusable": False}}, **reference})
        with attachment.file.open("rb") as handle:
            answer = self._post(inbox, token=token, data=fields, files={"filedata": (filename, handle, mime_type)})
        return self._message_id(answer)

    def reaction_body(self, message, emoji: str) -> dict:
        target = message.reply_to
        return {
            "recipient": {"id": message.conversation.identity.external_id},
            "sender_action": "react" if emoji else "unreact",
            "payload": {"message_id": target.external_id, **({"reaction": emoji} if emoji else {})},
        }

    def _reaction_send(self, message, *, token: str) -> SendResult:
        """An agent's reaction on a customer's message: the `react` sender action."""
        target = message.reply_to
        if target is None or not target.external_id:
            raise PermanentSendError(f"A reaction needs a {self.name} message to react to.")
        emoji = str(message.content.get("emoji") or message.text or "")
        try:
            self._post(message.conversation.inbox, token=token, json=self.reaction_body(message, emoji))
        except GraphError as error:
            raise self.failure_record(error, inbox_id=message.conversation.inbox_id) from error
        return SendResult(external_id=None)

    def sender_action_body(self, conversation, action: str) -> dict:
        return {"recipient": {"id": conversation.identity.external_id}, "sender_action": action}

    def messages_path(self, inbox) -> str:
        """Where the Send API takes this inbox's messages and sender actions."""
        return f"/{inbox.external_id}/messages"

    def _post(self, inbox, *, token: str, **kwargs) -> dict:
        return self.graph_request("POST", self.messages_path(inbox), inbox=inbox, token=token, **kwargs)

    def _message_id(self, answer: dict) -> str:
        if not answer.get("message_id"):
            raise RetryableSendError(f"{self.name} accepted the request but returned no message id.")
        return str(answer["message_id"])

    def failure_record(self, error: GraphError, *, inbox_id: int) -> SendError:
        """Record a failed Graph call: a rejected token flags the inbox for new credentials.
        Returns Meta's error as the outbox understands it (retry or not, in words for the agent)."""
        code, subcode, errors = error.code, error.subcode, self.errors
        if errors.is_reauth(code, http_status=error.http_status):
            inbox_credentials_rejected(inbox_id=inbox_id, reason=error.message)
            return PermanentSendError(errors.reasons.reauth, code=str(code if code is not None else 190))
        shown_code = str(subcode or code or error.http_status or "")
        if code is None and error.http_status is None:
            return RetryableSendError(error.message)  # timeout or connection error
        reason = errors.reason_for(code, subcode, message=error.message) if code is not None else error.message
        if errors.is_retryable(code, subcode, http_status=error.http_status):
            return RetryableSendError(reason, code=shown_code)
        return PermanentSendError(reason, code=shown_code)
