"""The original email's HTML, for the agent who may see its conversation.

Shown in a sandboxed frame of the conversation: the markup sanitised again from the stored raw
email on every request, inline images pointing at our attachment URLs, remote images only when
the agent asked (`?images=1`), and a Content Security Policy that lets nothing else load."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.html import escape
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from inbox.access import access_conversation
from inbox.models import Message

from .attachments import inline_images
from .html import html_sanitize
from .models import RawEmail
from .parser import message_parse, part_text


@require_GET
@login_required
@xframe_options_sameorigin
def email_html(request, message_id: int):
    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        raise Http404
    access_conversation(request.user, message.conversation_id)
    raw_email_id = (message.content or {}).get("email", {}).get("raw_email_id")
    row = RawEmail.objects.filter(pk=raw_email_id, inbox_id=message.inbox_id).first() if raw_email_id else None
    if row is None:
        raise Http404
    remote = request.GET.get("images") == "1"
    body = _html_of(bytes(row.raw))
    html = html_sanitize(body, remote_images=remote) if body else f"<pre>{escape(message.text)}</pre>"
    for content_id, attachment in inline_images(message).items():
        html = html.replace(f'src="cid:{content_id}"', f'src="/attachments/{attachment.pk}/"')
    images = " https:" if remote else ""
    response = HttpResponse(
        '<!doctype html><meta charset="utf-8"><base target="_blank">'
        f'<body style="font-family:sans-serif;margin:8px">{html}</body>'
    )
    response["Content-Security-Policy"] = (
        f"default-src 'none'; img-src 'self' data:{images}; style-src 'unsafe-inline'; sandbox allow-popups"
    )
    response["Referrer-Policy"] = "no-referrer"
    return response


def _html_of(raw: bytes) -> str:
    message = message_parse(raw)
    try:
        part = message.get_body(preferencelist=("html",))
    except Exception:  # a broken MIME tree: show the text instead
        return ""
    return part_text(part) if part is not None and part.get_content_type() == "text/html" else ""
