"""The agent inbox in the browser: three panes, HTMX fragments, one renderer for first load
and live update. Views parse input, fetch through `access`, call one service, render."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST

from . import access, channel_registry, replies, selectors, services
from .models import Attachment, ConversationStatus, Priority


def _list_context(request):
    filters = selectors.ListFilters.from_query(request.GET)
    page = selectors.conversation_list(user=request.user, filters=filters)
    return {"filters": filters, "page": page, "now": timezone.now(), "statuses": ConversationStatus.choices}


@login_required
@require_GET
def home(request):
    context = _list_context(request)
    context["inboxes"] = access.visible_inboxes(request.user).order_by("name")
    open_id = request.GET.get("c", "")
    if open_id.isdigit():
        context.update(_conversation_context(request, access.access_conversation(request.user, open_id)))
    return render(request, "inbox/inbox.html", context)


@login_required
@require_GET
def conversation_list(request):
    return render(request, "inbox/_list.html", _list_context(request))


def _conversation_context(request, conversation):
    window = channel_registry.get(conversation.inbox.kind).window(conversation)
    members = get_user_model().objects.filter(is_active=True, inboxes=conversation.inbox).order_by("username")
    return {
        "conversation": conversation,
        "timeline": selectors.conversation_timeline(conversation),
        "other_conversations": selectors.contact_other_conversations(user=request.user, conversation=conversation),
        "identities": conversation.contact.identities.all(),
        "window": window,
        "members": members,
        "statuses": ConversationStatus.choices,
        "priorities": Priority.choices,
    }


@login_required
@require_GET
def conversation_pane(request, pk: int):
    conversation = access.access_conversation(request.user, pk)
    return render(request, "inbox/_conversation.html", _conversation_context(request, conversation))


@login_required
@require_GET
def conversation_messages(request, pk: int):
    conversation = access.access_conversation(request.user, pk)
    return render(request, "inbox/_timeline.html", {"timeline": selectors.conversation_timeline(conversation)})


@login_required
@require_POST
def conversation_reply(request, pk: int):
    conversation = access.access_conversation(request.user, pk)
    error = ""
    try:
        replies.reply_send(
            conversation=conversation,
            author=request.user,
            text=request.POST.get("text", "")[:4096],
            private=request.POST.get("private") in ("1", "on", "true"),
        )
    except replies.ReplyRefused as refused:
        error = refused.reason
    response = render(
        request, "inbox/_timeline.html", {"timeline": selectors.conversation_timeline(conversation), "error": error}
    )
    if error:
        response.status_code = 422  # HTMX still swaps it in (see inbox.js), the composer keeps the text
    return response


@login_required
@require_POST
def conversation_update(request, pk: int):
    conversation = access.access_conversation(request.user, pk)
    try:
        changes = _changes_from(request)
        conversation = services.conversation_update(conversation=conversation, actor=request.user, **changes)
    except services.ConversationChangeRefused as refused:
        return HttpResponse(refused.reason, status=400, content_type="text/plain")
    conversation = access.access_conversation(request.user, conversation.pk)
    return render(request, "inbox/_conversation.html", _conversation_context(request, conversation))


def _token_user(request):
    from rest_framework.authentication import TokenAuthentication
    from rest_framework.exceptions import AuthenticationFailed

    try:
        found = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None
    return found[0] if found else None


def _changes_from(request) -> dict:
    changes = {}
    if "status" in request.POST:
        changes["status"] = request.POST["status"]
        changes["snoozed_until"] = parse_datetime(request.POST.get("snoozed_until", "") or "")
    if "assignee" in request.POST:
        value = request.POST["assignee"]
        changes["assignee"] = request.user if value == "me" else services.assignee_by_id(value or None)
    if "priority" in request.POST:
        changes["priority"] = request.POST["priority"]
    if "tags" in request.POST:
        changes["tags"] = [t for t in request.POST["tags"].split(",") if t.strip()]
    return changes


def attachment_download(request, pk: int):
    """Attachments are never public: the agent must be allowed to see the conversation.
    Browsers come with their session; API clients with `Authorization: Token ...` (the URL
    the API hands out), so both work without a second route."""
    if not request.user.is_authenticated:
        request.user = _token_user(request)
        if request.user is None:
            return redirect_to_login(request.get_full_path())
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
