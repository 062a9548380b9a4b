"""The tag lists, kept by leads and admins: conversation tags (`inbox.tags`) and contact tags
(`crm.tags`). Agents apply tags from these lists and get a 404 here. A conversation tag's new
name carries over to the automation rules that name it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from automation.rule_edits import rules_tag_rename
from crm import tags as contact_tags
from crm.models import ContactTag
from inbox import tags as conversation_tags
from inbox.models import Tag
from kernel.colors import DEFAULT_COLOR, color_choices
from kernel.refusals import Refused

from ..access import require_manager

# kind -> (model, create, update, delete, merge)
KINDS = {
    "conversation": (
        Tag,
        conversation_tags.tag_create,
        conversation_tags.tag_update,
        conversation_tags.tag_delete,
        conversation_tags.tag_merge,
    ),
    "contact": (
        ContactTag,
        contact_tags.contact_tag_create,
        contact_tags.contact_tag_update,
        contact_tags.contact_tag_delete,
        contact_tags.contact_tag_merge,
    ),
}


def _kind(kind: str):
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


@login_required
@require_GET
def tag_list(request):
    require_manager(request.user)
    lists = [
        ("conversation", _("Conversation tags"), Tag.objects.annotate(uses=Count("conversations")).order_by("name")),
        ("contact", _("Contact tags"), ContactTag.objects.annotate(uses=Count("contacts")).order_by("name")),
    ]
    context = {
        "settings_section": "tags",
        "lists": [(kind, title, list(tags)) for kind, title, tags in lists],
        "colors": color_choices(),
        "default_color": DEFAULT_COLOR,
    }
    return render(request, "workspace/tags/list.html", context)


def _done(request, work, success: str):
    try:
        result = work()
    except Refused as refused:
        messages.error(request, refused.reason)
    else:
        messages.success(request, success.format(count=result if isinstance(result, int) else 0))
    return redirect("settings-tags")


@login_required
@require_POST
def tag_create(request, kind: str):
    require_manager(request.user)
    _model, create, *_rest = _kind(kind)
    name, color = request.POST.get("name", ""), request.POST.get("color", DEFAULT_COLOR)
    return _done(request, lambda: create(actor=request.user, name=name, color=color), _("Tag added."))


@login_required
@require_POST
def tag_update(request, kind: str, pk: int):
    require_manager(request.user)
    model, _create, update, *_rest = _kind(kind)
    tag = get_object_or_404(model, pk=pk)
    name, color, old = request.POST.get("name", ""), request.POST.get("color", tag.color), tag.name

    def work():
        update(actor=request.user, tag=tag, name=name, color=color)
        if kind == "conversation" and tag.name != old:
            rules_tag_rename(old=old, new=tag.name)

    return _done(request, work, _("Saved."))


@login_required
@require_POST
def tag_delete(request, kind: str, pk: int):
    require_manager(request.user)
    model, _create, _update, delete, _merge = _kind(kind)
    tag = get_object_or_404(model, pk=pk)
    return _done(request, lambda: delete(actor=request.user, tag=tag), _("Tag deleted; {count} lost it."))


@login_required
@require_POST
def tag_merge(request, kind: str, pk: int):
    require_manager(request.user)
    model, *_rest, merge = _kind(kind)
    tag = get_object_or_404(model, pk=pk)
    into = model.objects.filter(pk=_as_id(request.POST.get("into"))).first()
    if into is None:
        messages.error(request, _("Pick the tag to merge into."))
        return redirect("settings-tags")
    old = tag.name

    def work():
        moved = merge(actor=request.user, tag=tag, into=into)
        if kind == "conversation":
            rules_tag_rename(old=old, new=into.name)
        return moved

    return _done(request, work, _("Tags merged; {count} moved."))


def _as_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
