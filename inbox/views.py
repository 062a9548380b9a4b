"""The agent inbox in the browser: three panes, HTMX fragments, one renderer for first load
and live update. Views parse input, fetch through `access`, call one service, render."""

import json
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import AuthenticationFailed

from . import (
    access,
    availability,
    channel_registry,
    files,
    mentions,
    notifications,
    public,
    replies,
    selectors,
    services,
    snooze,
)
from .models import Attachment, ConversationStatus, Message, Priority, Tag, Team
from .tag_picker import tag_picker
from .tags import may_create_tags

# The collision line, translated here because the script that writes it has no gettext.
PRESENCE_TEXTS = {
    "%s is replying": gettext_lazy("%s is replying"),
    "%s are replying": gettext_lazy("%s are replying"),
    "%s is viewing": gettext_lazy("%s is viewing"),
    "%s are viewing": gettext_lazy("%s are viewing"),
}


def _list_context(request, *, with_unread_total: bool = True):
    filters = selectors.ListFilters.from_query(request.GET)
    page = selectors.conversation_list(user=request.user, filters=filters)
    context = {"filters": filters, "page": page, "now": timezone.now(), "statuses": ConversationStatus.choices}
    if with_unread_total:
        context["unread_total"] = selectors.unread_total(user=request.user)
    return context


@login_required
@require_GET
def home(request):
    # A conversation opened by a link is only shown here; the page's script marks it seen with
    # a POST (conversation_seen_view), so a link from another site cannot mark it read.
    open_id = access.row_id(request.GET.get("c", ""))
    conversation = access.access_conversation(request.user, open_id) if open_id else None
    context = _list_context(request, with_unread_total=False)  # the navigation counts it
    context.update(selectors.navigation(user=request.user, filters=context["filters"]))
    context["members"] = selectors.assignable_agents(user=request.user)
    context["colleagues"] = _colleagues(request.user, context["members"])
    context["presence_texts"] = PRESENCE_TEXTS
    context["bulk_tag_picker"] = tag_picker(
        name="tags",
        chosen=[],
        available=Tag.objects.order_by("name"),
        may_create=may_create_tags(request.user),
        label=gettext_lazy("Tags to add"),
        testid="bulk-tags",
    )
    context["notification_preferences"] = notifications.notification_preferences(user=request.user).as_json()
    if conversation is not None:
        context.update(_conversation_context(request, conversation))
        message_id = request.GET.get("m", "")
        context["highlight_message"] = access.row_id(message_id)
    return render(request, "inbox/inbox.html", context)


@login_required
@require_GET
def inbox_nav(request):
    """The navigation pane with its counts, fetched again whenever the list changes."""
    filters = selectors.ListFilters.from_query(request.GET)
    context = selectors.navigation(user=request.user, filters=filters)
    context["colleagues"] = _colleagues(request.user, selectors.assignable_agents(user=request.user))
    return render(request, "inbox/_nav.html", context)


def _colleagues(user, members: list) -> list:
    return selectors.colleagues_by_availability([member for member in members if member.pk != user.pk])


@login_required
@require_GET
def conversation_list(request):
    return render(request, "inbox/_list.html", _list_context(request))


def _conversation_context(request, conversation):
    channel = channel_registry.get(conversation.inbox.kind)
    window = channel.window(conversation)
    members = (
        get_user_model()
        .objects.filter(is_active=True, inboxes=conversation.inbox)
        .select_related("agent_profile")
        .order_by("username")
    )
    return {
        "conversation": conversation,
        **timeline_context(conversation),
        "other_conversations": selectors.contact_other_conversations(user=request.user, conversation=conversation),
        "identities": conversation.contact.identities.all(),
        "window": window,
        "composer_fields": channel.composer_fields(conversation) if channel.composer_fields else [],
        "templates": selectors.message_templates(conversation.inbox) if not window.open else [],
        "members": members,
        "teams": Team.objects.order_by("name"),
        "statuses": ConversationStatus.choices,
        "priorities": Priority.choices,
        "tag_picker": tag_picker(
            name="tags",
            chosen=conversation.tags.order_by("name"),
            available=Tag.objects.order_by("name"),
            may_create=may_create_tags(request.user),
            label=gettext_lazy("Tags"),
            testid="tags",
        ),
        "source": selectors.conversation_source(conversation),
        "snooze_presets": snooze.snooze_presets(),
    }


@login_required
@require_GET
def conversation_pane(request, pk: int):
    conversation = access.access_conversation(request.user, pk)
    context = _conversation_context(request, conversation)
    message_id = request.GET.get("m", "")
    context["highlight_message"] = access.row_id(message_id)
    return render(request, "inbox/_conversation.html", context)


@login_required
@require_GET
def conversation_messages(request, pk: int):
    conversation = access.access_conversation(request.user, pk)
    # A conversation opened at a message (from search) keeps it marked when the timeline is
    # refreshed by a live update.
    context = {**timeline_context(conversation), "highlight_message": access.row_id(request.GET.get("m"))}
    return render(request, "inbox/_timeline.html", context)


@login_required
@require_POST
def conversation_seen_view(request, pk: int):
    """The page shows the conversation: posted by the inbox script when it opens one
    (`opened=1`: the channel may send the customer a read receipt) and when new messages
    arrive while it is open. A POST with the CSRF token, so only our own page can mark a
    conversation read for the team; fetching the page or a fragment changes nothing."""
    conversation = access.access_conversation(request.user, pk)
    opened = request.POST.get("opened") in ("1", "true")
    cleared = services.conversation_seen(conversation=conversation, agent=request.user, opened=opened)
    return JsonResponse({"cleared": cleared})


@login_required
@require_GET
def conversation_version(request, pk: int):
    """The open conversation's version, which the page compares now and then with the one it
    shows: realtime events are hints that can be lost, and this is how a page catches up."""
    conversation = access.access_conversation(request.user, pk)
    return JsonResponse({"version": conversation.version})


@login_required
@require_POST
def conversation_reply(request, pk: int):
    conversation = access.access_conversation(request.user, pk)
    error = ""
    try:
        if request.POST.get("reply_privately") and conversation.public:
            public.private_reply_send(
                conversation=conversation, author=request.user, text=request.POST.get("text", "")[:4096]
            )
            return _timeline_response(request, conversation, error)
        reply_to = request.POST.get("reply_to", "")
        private = request.POST.get("private") in ("1", "on", "true")
        channel = channel_registry.get(conversation.inbox.kind)
        content = None
        if (
            channel.composer_content is not None
            and not private
            and (request.POST.get("text", "").strip() or request.FILES)
        ):
            typed = {
                key[len("channel_") :]: value[:2000]
                for key, value in request.POST.items()
                if key.startswith("channel_")
            }
            content = channel.composer_content(conversation, typed) or None
        replies.reply_messages_send(
            conversation=conversation,
            author=request.user,
            text=request.POST.get("text", "")[:4096],
            private=private,
            content=content,
            files=[replies.OutgoingFile.from_upload(upload) for upload in request.FILES.getlist("file")],
            **({"reply_to": _reply_target(conversation, reply_to)} if reply_to else {}),
        )
    except (replies.ReplyRefused, public.PrivateReplyRefused, channel_registry.ComposerRefused) as refused:
        error = refused.reason
    return _timeline_response(request, conversation, error)


@login_required
@require_POST
def message_react(request, pk: int):
    """The agent's reaction on a customer's message (an empty emoji takes it back)."""
    message = access.access_message(request.user, pk)
    conversation = message.conversation
    error = ""
    try:
        replies.reaction_send(
            conversation=conversation, author=request.user, target=message, emoji=request.POST.get("emoji", "")
        )
    except replies.ReplyRefused as refused:
        error = refused.reason
    return _timeline_response(request, conversation, error)


@login_required
@require_POST
def comment_moderate(request, pk: int):
    """Hide or unhide a customer's comment, or delete one of ours (`action`)."""
    message = access.access_message(request.user, pk)
    conversation = message.conversation
    error = ""
    try:
        public.comment_moderate(message=message, action=request.POST.get("action", ""), actor=request.user)
    except public.CommentModerationRefused as refused:
        error = refused.reason
    return _timeline_response(request, conversation, error)


@login_required
@require_POST
def conversation_typing(request, pk: int):
    """The agent is typing a reply (posted at most every few seconds by the composer)."""
    conversation = access.access_conversation(request.user, pk)
    services.conversation_agent_typing(conversation=conversation, agent=request.user)
    return HttpResponse(status=204)


def _reply_target(conversation, message_id: str) -> Message:
    target = Message.objects.filter(conversation=conversation, pk=access.row_id(message_id) or 0).first()
    if target is None:
        raise replies.ReplyRefused(
            gettext_lazy("The message you reply to is not in this conversation."), code="reply_to_elsewhere"
        )
    return target


@login_required
@require_POST
def conversation_template(request, pk: int):
    """Send a pre-approved template (the only thing WhatsApp allows outside the 24-hour window)."""
    conversation = access.access_conversation(request.user, pk)
    error = ""
    name, _, language = request.POST.get("template", "").partition("|")
    try:
        replies.template_send(
            conversation=conversation,
            author=request.user,
            name=name,
            language=language,
            parameters=[value[:1024] for value in request.POST.getlist("parameter")][:20],
        )
    except replies.ReplyRefused as refused:
        error = refused.reason
    return _timeline_response(request, conversation, error)


REACTION_CHOICES = ("👍", "❤️", "😂", "😮", "😢", "🙏")


def timeline_context(conversation) -> dict:
    return {
        "timeline": selectors.conversation_timeline(conversation),
        "reactions": channel_registry.get(conversation.inbox.kind).reactions,
        "reaction_choices": REACTION_CHOICES,
    }


def _timeline_response(request, conversation, error: str) -> HttpResponse:
    response = render(request, "inbox/_timeline.html", {**timeline_context(conversation), "error": error})
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
    if "open_next" in request.POST:
        return _next_pane(request, request.POST["open_next"])
    conversation = access.access_conversation(request.user, conversation.pk)
    return render(request, "inbox/_conversation.html", _conversation_context(request, conversation))


def _next_pane(request, next_id: str) -> HttpResponse:
    """After a resolve, the conversation the page picked from its list (the one below the
    resolved one), or the empty state when the view has none left (or it is gone meanwhile)."""
    following = access.row_id(next_id)
    if following is not None:
        try:
            conversation = access.access_conversation(request.user, following)
        except Http404:
            conversation = None
        if conversation is not None:
            return render(request, "inbox/_conversation.html", _conversation_context(request, conversation))
    return render(request, "inbox/_pane_empty.html")


@login_required
@require_POST
def message_retry(request, pk: int):
    message = access.access_message(request.user, pk)
    conversation = message.conversation
    error = ""
    try:
        services.message_retry(message=message, actor=request.user)
    except services.ConversationChangeRefused as refused:
        error = refused.reason
    return _timeline_response(request, conversation, error)


BULK_ACTIONS = ("assign_me", "assign", "unassign", "tag", "resolve", "status")


@login_required
@require_POST
def conversations_bulk(request):
    """One action on many selected conversations; each is access-checked on its own, and the
    answer says how many changed (the list refreshes itself through the live events)."""
    action = request.POST.get("action", "")
    ids = [pk for pk in map(access.row_id, request.POST.getlist("ids")) if pk is not None][:200]
    if action not in BULK_ACTIONS or not ids:
        return HttpResponse("Pick conversations and an action.", status=400, content_type="text/plain")
    try:
        changes = _bulk_changes(request, action)
    except services.ConversationChangeRefused as refused:
        return HttpResponse(refused.reason, status=400, content_type="text/plain")
    conversations = list(access.visible_conversations(request.user).filter(pk__in=ids))
    if len(conversations) != len(set(ids)):
        raise Http404  # one of them is not the agent's to change: change none
    changed = 0
    for conversation in conversations:
        try:
            if action == "tag":
                names = {tag.name for tag in conversation.tags.all()} | set(changes["tags"])
                services.conversation_update(conversation=conversation, actor=request.user, tags=sorted(names))
            else:
                services.conversation_update(conversation=conversation, actor=request.user, **changes)
            changed += 1
        except services.ConversationChangeRefused as refused:
            return HttpResponse(refused.reason, status=400, content_type="text/plain")
    response = render(request, "inbox/_list.html", _list_context(request))
    response["HX-Trigger"] = json.dumps({"webcare:bulk-done": changed})
    return response


def _bulk_changes(request, action: str) -> dict:
    if action == "assign_me":
        return {"assignee": request.user}
    if action == "unassign":
        return {"assignee": None}
    if action == "assign":
        return {"assignee": services.assignee_by_id(request.POST.get("assignee") or None)}
    if action == "tag":
        tags = [t.strip() for t in request.POST.get("tags", "").split(",") if t.strip()]
        if not tags:
            raise services.ConversationChangeRefused(gettext_lazy("Pick the tags to add."), code="tags_required")
        return {"tags": tags}
    if action == "resolve":
        return {"status": ConversationStatus.RESOLVED}
    return {"status": request.POST.get("status", "")}


@login_required
@require_GET
def canned_search(request):
    """Canned responses for the composer's `/` picker, as JSON (the picker renders them as text)."""
    inbox = access.access_inbox(request.user, request.GET.get("inbox", "")) if request.GET.get("inbox") else None
    found = selectors.canned_responses(user=request.user, inbox=inbox, query=request.GET.get("q", "")[:80])
    none_exist = not found and not selectors.canned_responses(user=request.user, inbox=inbox, limit=1)
    return JsonResponse(
        {
            # None at all for this inbox (not just no match): the picker explains how to add them.
            "none_exist": none_exist,
            "may_manage": access.sees_everything(request.user),
            "results": [
                {
                    "shortcut": c.shortcut,
                    "title": c.title,
                    "text": c.text,
                    "category": c.category,
                    "category_label": c.get_category_display(),
                }
                for c in found
            ],
        }
    )


def _token_user(request):
    """The user of an API token in the Authorization header, through the API's own
    authentication (named tokens, failed tokens counted per address), or None."""
    from rest_framework.exceptions import APIException
    from rest_framework.settings import api_settings

    try:
        found = api_settings.DEFAULT_AUTHENTICATION_CLASSES[0]().authenticate(request)
    except (AuthenticationFailed, APIException):
        return None
    return found[0] if found else None


def _changes_from(request) -> dict:
    changes = {}
    if "snooze" in request.POST:
        until = snooze.snooze_preset_time(request.POST["snooze"])
        if until is None:
            raise services.ConversationChangeRefused(
                gettext_lazy("That snooze time has passed: pick another."), code="snooze_preset_unknown"
            )
        return {"status": ConversationStatus.SNOOZED, "snoozed_until": until}
    if "status" in request.POST:
        changes["status"] = request.POST["status"]
        changes["snoozed_until"] = _snooze_time(request.POST.get("snoozed_until", ""))
        if changes["status"] == ConversationStatus.SNOOZED and changes["snoozed_until"] is None:
            # Never nothing: the header shows the time chosen, which the agent may change.
            changes["snoozed_until"] = services.snooze_default_until()
    if "assignee" in request.POST:
        value = request.POST["assignee"]
        changes["assignee"] = request.user if value == "me" else services.assignee_by_id(value or None)
    if "team" in request.POST:
        changes["team"] = services.team_by_id(request.POST["team"] or None)
    if "priority" in request.POST:
        changes["priority"] = request.POST["priority"]
    if "tags" in request.POST:
        changes["tags"] = [t for t in request.POST["tags"].split(",") if t.strip()]
    return changes


@login_required
@require_POST
def preferences(request):
    """The agent's own language (empty: follow the browser)."""
    services.agent_language_set(user=request.user, language=request.POST.get("language", ""))
    target = request.POST.get("next", "/")
    return redirect(target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/")


@login_required
@require_POST
def availability_choose(request):
    """The agent's own status from the top bar: JSON for the page's script, a redirect back
    without one."""
    wanted = request.POST.get("availability", "")
    try:
        availability.agent_availability_choose(user=request.user, availability=wanted)
    except availability.AvailabilityChangeRefused as refused:
        return JsonResponse({"error": {"code": refused.code, "detail": refused.reason}}, status=400)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"availability": wanted})
    target = request.POST.get("next", "/")
    return redirect(target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/")


def _snooze_time(value: str) -> datetime | None:
    """`<input type=datetime-local>` sends local time without a zone: the agent's (the active
    time zone)."""
    moment = parse_datetime(value or "")
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment <= timezone.now():
        raise services.ConversationChangeRefused(
            gettext_lazy("Snooze until a time in the future."), code="snooze_time_past"
        )
    return moment


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
    return files.attachment_response(attachment)


@login_required
@require_GET
def mention_candidates(request, pk: int):
    """Colleagues the composer's @ picker offers: only those who may see the conversation."""
    conversation = access.access_conversation(request.user, pk)
    found = mentions.mentionable_agents(
        conversation=conversation, author=request.user, query=request.GET.get("q", "")[:60]
    )[: mentions.MAX_CANDIDATES]
    return JsonResponse(
        {"results": [{"id": u.pk, "name": mentions.display_name(u), "username": u.get_username()} for u in found]}
    )


@login_required
@require_GET
def notification_check(request):
    """Asked by the page when a live event may concern the agent: whether to show a desktop
    notification, and its words (the events themselves carry no text)."""
    found = notifications.notification_for(
        user=request.user,
        kind=request.GET.get("kind", ""),
        conversation_id=request.GET.get("conversation", ""),
        message_id=request.GET.get("message") or None,
    )
    if found is None:
        return JsonResponse({"notify": False})
    return JsonResponse(
        {
            "notify": True,
            "kind": found.kind,
            "title": found.title,
            "body": found.body,
            "tag": found.tag,
            "conversation_id": found.conversation_id,
        }
    )
