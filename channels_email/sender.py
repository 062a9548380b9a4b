"""The email Sender: one outbox message -> one email, through the inbox's own SMTP server (or
an ESP through django-anymail, or the demo's file backend).

Threading headers make the customer's client file our reply under their mail: In-Reply-To their
latest message, References the thread's Message-IDs, Reply-To the conversation's own address
(with plus-addressing), the agent's name in From ("Anna from Acme <support@acme.nl>"), the
quoted history under the text. Our Message-ID is fixed per message, so a resend is no second
message.
"""

import smtplib
from email.utils import format_datetime, formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from inbox.channel_registry import AttachmentRefused, PermanentSendError, RetryableSendError, SendResult
from inbox.models import Direction, Message, MessageKind, SenderType

from .addresses import conversation_address, identity_address, inbox_address, is_own_address, message_id_for

MAX_MESSAGE_BYTES = 25 * 1024 * 1024
MAX_REFERENCES = 20
SMTP_TIMEOUT = 20


def message_send(message: Message) -> SendResult:
    inbox = message.conversation.inbox
    if message.kind == MessageKind.REACTION:
        raise PermanentSendError(_("Email has no reactions."), code="unsupported")
    mail = email_compose(message)
    try:
        connection = mail_connection(inbox)
        connection.send_messages([mail])
    except smtplib.SMTPRecipientsRefused as error:
        reason = "; ".join(f"{address}: {_smtp_text(answer)}" for address, answer in error.recipients.items())
        if all(400 <= code < 500 for code, _text in error.recipients.values()):
            raise RetryableSendError(_("The mail server asked us to try later: %(reason)s") % {"reason": reason},
                                     code="recipient_deferred") from None  # fmt: skip
        raise PermanentSendError(_("The mail server refused the recipient: %(reason)s") % {"reason": reason},
                                 code="recipient_refused") from None  # fmt: skip
    except smtplib.SMTPAuthenticationError as error:
        raise RetryableSendError(
            _("The mail server refused our login: %(reason)s")
            % {"reason": _smtp_text((error.smtp_code, error.smtp_error))},
            code="auth",
        ) from None
    except smtplib.SMTPResponseException as error:
        text = _smtp_text((error.smtp_code, error.smtp_error))
        if 500 <= error.smtp_code < 600:
            raise PermanentSendError(_("The mail server refused the email: %(reason)s") % {"reason": text},
                                     code=str(error.smtp_code)) from None  # fmt: skip
        raise RetryableSendError(_("The mail server asked us to try later: %(reason)s") % {"reason": text},
                                 code=str(error.smtp_code)) from None  # fmt: skip
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        raise RetryableSendError(
            _("Could not reach the mail server: %(reason)s") % {"reason": error or type(error).__name__}, code="network"
        ) from None
    return SendResult(external_id=mail.extra_headers["Message-ID"])


def _smtp_text(answer) -> str:
    code, text = answer
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(text.split())}"


def mail_connection(inbox):
    """A mail connection with the inbox's own server and credentials (never the site's)."""
    config, credentials = inbox.config or {}, inbox.credentials or {}
    backend = config.get("smtp_backend") or "smtp"
    if backend == "file":  # the demo: every email lands as a file, nothing leaves the machine
        return get_connection(
            "django.core.mail.backends.filebased.EmailBackend", file_path=str(settings.MEDIA_ROOT / "demo-mail")
        )
    if backend == "esp":  # a django-anymail backend (Postmark, Mailgun, SendGrid, Amazon SES, ...)
        return get_connection(config["esp_backend"], api_key=credentials.get("esp_api_key", ""), fail_silently=False)
    security = config.get("smtp_security", "starttls")
    return get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host=config.get("smtp_host", ""),
        port=int(config.get("smtp_port") or 587),
        username=config.get("smtp_user") or None,
        password=credentials.get("smtp_password") or None,
        use_tls=security == "starttls",
        use_ssl=security == "ssl",
        timeout=SMTP_TIMEOUT,
        fail_silently=False,
    )


def from_name(message: Message, *, inbox=None) -> str:
    inbox = inbox or message.conversation.inbox
    company = str((inbox.config or {}).get("company") or inbox.name)
    author = message.author
    if message.sender_type != SenderType.AGENT or author is None:
        return _one_line(company)
    agent = (author.first_name or author.get_full_name() or author.get_username()).strip()
    # No pattern saved: the installation's language (LANGUAGE_CODE), as the setup form proposes it.
    pattern = str((inbox.config or {}).get("from_pattern") or _("{agent} from {company}"))
    return _one_line(pattern.replace("{agent}", agent).replace("{company}", company))


def _one_line(text: str) -> str:
    """A header's words on one line: a line break in a name would be refused by the mail
    library (the reply would never leave), and must never start a header of its own."""
    return " ".join(text.split())


def email_compose(message: Message) -> EmailMultiAlternatives:
    conversation = message.conversation
    inbox = conversation.inbox
    config = inbox.config or {}
    # In the order we stored them: a customer's Date header has whole seconds and can sort an
    # answer before the reply it answers.
    earlier = list(
        Message.objects.filter(conversation=conversation, private=False, pk__lt=message.pk)
        .exclude(external_id__isnull=True)
        .order_by("id")
    )
    thread_ids = [m.external_id for m in earlier if m.external_id.startswith("<")]
    last_in = next((m for m in reversed(earlier) if m.direction == Direction.IN and m.content.get("email")), None)
    to = identity_address(conversation.identity.external_id) if "@" in conversation.identity.external_id else ""
    to = to or conversation.contact.email
    if not to:
        raise PermanentSendError(_("This conversation has no email address to write to."), code="no_address")
    message_id = message_id_for(inbox, message.pk)
    headers = {"Message-ID": message_id, "Date": format_datetime(timezone.localtime(message.sent_at))}
    if last_in is not None:
        headers["In-Reply-To"] = last_in.external_id
    if thread_ids:
        references = (
            thread_ids if len(thread_ids) <= MAX_REFERENCES else thread_ids[:1] + thread_ids[-MAX_REFERENCES + 1 :]
        )
        headers["References"] = " ".join(references)
    if config.get("plus_addressing"):
        headers["Reply-To"] = conversation_address(inbox, conversation.pk)
    headers["Auto-Submitted"] = "auto-generated" if message.sender_type == SenderType.BOT else "no"
    text, html = _bodies(message, last_in, signature=str(config.get("signature") or ""))
    mail = EmailMultiAlternatives(
        subject=_subject(conversation, message),
        body=text,
        from_email=formataddr((from_name(message), inbox_address(inbox))),
        to=[to],
        cc=_chosen_cc(message) if _chosen_cc(message) is not None else _cc(inbox, last_in, customer=to),
        headers=headers,
    )
    mail.attach_alternative(html, "text/html")
    for attachment in message.attachments.all():
        if attachment.file:
            with attachment.file.open("rb") as handle:
                mail.attach(attachment.filename or "file", handle.read(), attachment.mime_type or None)
    return mail


def follow_up_send(inbox, message: Message, link: str) -> str:
    """An agent's reply in another channel's conversation (a live chat the visitor left), as an
    email from this inbox to the contact's address. Its Message-ID is ours for that message and
    its Reply-To the conversation's own address, so the answer threads back into that
    conversation (see `threads`). Returns the Message-ID."""
    conversation = message.conversation
    to = (conversation.contact.email or "").strip()
    if not to:
        raise PermanentSendError(_("This conversation has no email address to write to."), code="no_address")
    earlier = list(
        Message.objects.filter(
            conversation=conversation, private=False, pk__lt=message.pk, content__email__isnull=False
        )
        .exclude(external_id__isnull=True)
        .order_by("id")
    )
    thread_ids = [m.external_id for m in earlier if m.external_id.startswith("<")]
    message_id = message_id_for(inbox, message.pk)
    headers = {
        "Message-ID": message_id,
        "Date": format_datetime(timezone.localtime(message.sent_at)),
        "Reply-To": conversation_address(inbox, conversation.pk),
        "Auto-Submitted": "no",
    }
    if thread_ids:
        headers["In-Reply-To"] = thread_ids[-1]
        headers["References"] = " ".join(thread_ids[-MAX_REFERENCES:])
    config = inbox.config or {}
    company = _one_line(str(config.get("company") or inbox.name))
    text, html = _bodies(message, None, signature=str(config.get("signature") or ""))
    if link:
        lead = _("Continue the chat on our website:")
        text += f"\n\n{lead}\n{link}\n"
        html += f'<p>{escape(lead)}<br><a href="{escape(link)}">{escape(link)}</a></p>'
    subject = _("Your chat with %(company)s") % {"company": company}
    mail = EmailMultiAlternatives(
        subject=f"Re: {subject}" if thread_ids else subject,
        body=text,
        from_email=formataddr((from_name(message, inbox=inbox), inbox_address(inbox))),
        to=[to],
        headers=headers,
    )
    mail.attach_alternative(html, "text/html")
    try:
        mail_connection(inbox).send_messages([mail])
    except smtplib.SMTPRecipientsRefused as error:
        reason = "; ".join(f"{address}: {_smtp_text(answer)}" for address, answer in error.recipients.items())
        raise PermanentSendError(_("The mail server refused the recipient: %(reason)s") % {"reason": reason},
                                 code="recipient_refused") from None  # fmt: skip
    except smtplib.SMTPResponseException as error:
        text = _smtp_text((error.smtp_code, error.smtp_error))
        if 500 <= error.smtp_code < 600:
            raise PermanentSendError(_("The mail server refused the email: %(reason)s") % {"reason": text},
                                     code=str(error.smtp_code)) from None  # fmt: skip
        raise RetryableSendError(_("The mail server asked us to try later: %(reason)s") % {"reason": text},
                                 code=str(error.smtp_code)) from None  # fmt: skip
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        raise RetryableSendError(
            _("Could not reach the mail server: %(reason)s") % {"reason": error or type(error).__name__}, code="network"
        ) from None
    return message_id


def _subject(conversation, message: Message) -> str:
    own = (message.content or {}).get("email", {}).get("subject")
    return own or thread_subject(conversation)


def thread_subject(conversation) -> str:
    """ "Re: " and the subject of the thread's first email: the customer's, or ours where we
    wrote first (a conversation started from the contact's page)."""
    first = (
        Message.objects.filter(conversation=conversation, private=False, content__email__has_key="subject")
        .order_by("sent_at", "id")
        .first()
    )
    subject = (first.content["email"].get("subject") if first else "") or conversation.inbox.name
    return subject if subject.lower().startswith(("re:", "aw:", "antw:")) else f"Re: {subject}"


def _thread_new(conversation) -> bool:
    """No email in the conversation yet (one being started): the agent writes its subject."""
    return conversation.pk is None or not Message.objects.filter(conversation=conversation).exists()


def _chosen_cc(message: Message) -> list[str] | None:
    """The CC the agent set in the composer (an empty list: nobody), or None: reply to all."""
    cc = (message.content or {}).get("email", {}).get("cc")
    return [str(address) for address in cc] if isinstance(cc, list) else None


def composer_fields(conversation) -> list:
    """The subject the reply goes out with, and its CC (reply to all, editable). A new thread
    (started from the contact's page): a subject of the agent's own, required, and a CC."""
    from inbox.channel_registry import ComposerField

    if _thread_new(conversation):
        return [
            ComposerField(name="subject", label=_("Subject"), required=True),
            ComposerField(name="cc", label=_("CC")),
        ]
    last_in = (
        Message.objects.filter(conversation=conversation, direction=Direction.IN, content__email__isnull=False)
        .order_by("-id")
        .first()
    )
    external_id = conversation.identity.external_id
    customer = identity_address(external_id) if "@" in external_id else (conversation.contact.email or "")
    cc = _cc(conversation.inbox, last_in, customer=customer)
    return [
        ComposerField(name="subject", label=_("Subject"), value=thread_subject(conversation), readonly=True),
        ComposerField(name="cc", label=_("CC"), value=", ".join(cc)),
    ]


def composer_content(conversation, typed: dict) -> dict:
    """The CC as typed (commas or semicolons between addresses); our own address is left out.
    A new thread also needs its subject (the thread's replies then go out as "Re: " it)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from inbox.channel_registry import ComposerRefused

    subject = ""
    if _thread_new(conversation):
        subject = " ".join(str(typed.get("subject") or "").split())[:250]
        if not subject:
            raise ComposerRefused(_("A new email needs a subject."), code="subject_required")
    if "cc" not in typed:
        return {"email": {"subject": subject}} if subject else {}
    cc = []
    for address in (part.strip() for part in typed["cc"].replace(";", ",").split(",")):
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            raise ComposerRefused(_("'{address}' is not an email address."), address=address) from None
        if not is_own_address(conversation.inbox, address) and address.lower() not in cc:
            cc.append(address.lower())
    return {"email": {"cc": cc[:20], **({"subject": subject} if subject else {})}}


def _cc(inbox, last_in: Message | None, *, customer: str) -> list[str]:
    """Reply to all: whoever else the customer's last email went to, never ourselves."""
    if last_in is None:
        return []
    email = last_in.content["email"]
    seen, cc = {customer}, []
    for address in [*email.get("to", []), *email.get("cc", [])]:
        if address not in seen and not is_own_address(inbox, address):
            seen.add(address)
            cc.append(address)
    return cc


def _bodies(message: Message, last_in: Message | None, *, signature: str) -> tuple[str, str]:
    text = message.text.strip()
    html = linebreaks(escape(text))
    if signature:
        text += "\n\n-- \n" + signature
        html += '<p class="signature">' + linebreaks(escape(signature)) + "</p>"
    if last_in is not None:
        sender = last_in.content["email"].get("from", {})
        who = formataddr((sender.get("name", ""), sender.get("email", "")))
        when = format_datetime(timezone.localtime(last_in.sent_at))
        header = _("On %(date)s, %(sender)s wrote:") % {"date": when, "sender": who}
        quoted = "\n".join("> " + line if line else ">" for line in last_in.text.splitlines())
        text += f"\n\n{header}\n{quoted}\n"
        html += f'<p>{escape(header)}</p><blockquote type="cite">{linebreaks(escape(last_in.text))}</blockquote>'
    return text, html


def attachment_kind(inbox, mime_type: str, size: int) -> str:
    if size > MAX_MESSAGE_BYTES:
        raise AttachmentRefused(_("Emails can carry at most 25 MB of files."), code="file_too_large")
    major = (mime_type or "").split("/", 1)[0]
    return {"image": "image", "audio": "audio", "video": "video"}.get(major, "document")
