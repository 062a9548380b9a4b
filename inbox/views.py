"""Agent-facing HTML views of the inbox (the full inbox UI grows in its own issue)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render

from . import access
from .models import Attachment


@login_required
def home(request):
    conversations = (
        access.visible_conversations(request.user)
        .select_related("inbox", "contact", "assignee")
        .order_by("-last_message_at", "-id")[:50]
    )
    return render(request, "inbox/home.html", {"conversations": conversations, "inboxes": access.visible_inboxes(request.user)})


@login_required
def attachment_download(request, pk: int):
    """Attachments are never public: the agent must be allowed to see the conversation."""
    attachment = Attachment.objects.select_related("message").filter(pk=pk).first()
    if attachment is None or not attachment.file:
        raise Http404
    access.access_conversation(request.user, attachment.message.conversation_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=not attachment.mime_type.startswith(("image/", "audio/", "video/")),
        filename=attachment.filename or None,
        content_type=attachment.mime_type or "application/octet-stream",
    )
