"""The leads' knowledge-base page: entries, an editor, and the bot's preview."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from inbox import access, business_hours
from inbox.models import Inbox

from .bot import bot_preview
from .faq import DEFAULT_BOT_THRESHOLD
from .models import InboxAutomation, KnowledgeEntry, Rule
from .rule_edits import RuleRefused
from .settings_forms import BusinessHoursForm, InboxAutomationForm, RuleForm, actions_text, conditions_text


class KnowledgeEntryForm(forms.ModelForm):
    class Meta:
        model = KnowledgeEntry
        fields = ["title", "language", "inbox", "questions", "answer", "enabled"]
        labels = {
            "title": _("Title"),
            "language": _("Language"),
            "inbox": _("Inbox (empty: all)"),
            "questions": _("Example questions, one per line"),
            "answer": _("Answer"),
            "enabled": _("Enabled"),
        }
        help_texts = {"inbox": "", "questions": ""}
        widgets = {"questions": forms.Textarea(attrs={"rows": 5}), "answer": forms.Textarea(attrs={"rows": 3})}


def _require_lead(user) -> None:
    if not access.sees_everything(user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def knowledge_manage(request, pk: int | None = None):
    """List, add and edit entries; `?q=` previews what the bot would answer."""
    _require_lead(request.user)
    instance = get_object_or_404(KnowledgeEntry, pk=pk) if pk else None
    form = KnowledgeEntryForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("knowledge-manage")
    question = request.GET.get("q", "").strip()[:500]
    inbox_id = access.row_id(request.GET.get("inbox", ""))
    inbox = Inbox.objects.filter(pk=inbox_id).first() if inbox_id else None
    preview = bot_preview(inbox=inbox, text=question) if question else None
    threshold = inbox.automation.bot_threshold if inbox and hasattr(inbox, "automation") else DEFAULT_BOT_THRESHOLD
    entry = KnowledgeEntry.objects.filter(pk=preview.entry.id).first() if preview and preview.entry else None
    return render(
        request,
        "automation/knowledge.html",
        {
            "form": form,
            "editing": instance,
            "entries": KnowledgeEntry.objects.select_related("inbox"),
            "inboxes": Inbox.objects.order_by("name"),
            "question": question,
            "preview": preview,
            "preview_entry": entry,
            "preview_inbox": inbox,
            "would_answer": bool(preview and entry and preview.score >= threshold),
            "threshold": threshold,
        },
    )


@login_required
@require_POST
def knowledge_delete(request, pk: int):
    _require_lead(request.user)
    get_object_or_404(KnowledgeEntry, pk=pk).delete()
    return redirect("knowledge-manage")


# --- Settings per inbox and rules (leads) ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def inbox_settings(request, pk: int):
    """An inbox's automation (auto-replies, bot, assignment, SLA warning) and business hours."""
    _require_lead(request.user)
    inbox = get_object_or_404(Inbox, pk=pk)
    automation, _created = InboxAutomation.objects.get_or_create(inbox=inbox)
    settings_form = InboxAutomationForm(request.POST or None, instance=automation, prefix="automation")
    hours_form = BusinessHoursForm(request.POST or None, inbox=inbox, prefix="hours")
    if request.method == "POST" and settings_form.is_valid() and hours_form.is_valid():
        with transaction.atomic():
            settings_form.save()
            inbox.business_hours = hours_form.cleaned_data["schedule"]
            inbox.time_zone = hours_form.cleaned_data["time_zone"]
            inbox.save(update_fields=["business_hours", "time_zone", "updated_at"])
        return redirect("automation-inbox", pk=inbox.pk)
    return render(
        request,
        "automation/inbox_settings.html",
        {
            "inbox": inbox,
            "settings_form": settings_form,
            "hours_form": hours_form,
            "inboxes": Inbox.objects.order_by("name"),
            "open_now": business_hours.is_open(inbox),
            "next_open": business_hours.next_open(inbox),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rules_manage(request, pk: int | None = None):
    """Rules in the order they run; add or edit one in words (see settings_forms)."""
    _require_lead(request.user)
    instance = get_object_or_404(Rule, pk=pk) if pk else None
    form = RuleForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except RuleRefused as refused:  # what it names went away since the form was checked
            form.add_error(None, refused.reason)
        else:
            return redirect("rules-manage")
    rules = [
        (rule, conditions_text(rule.conditions), actions_text(rule.actions))
        for rule in Rule.objects.select_related("inbox")
    ]
    return render(
        request,
        "automation/rules.html",
        {"form": form, "editing": instance, "rules": rules, "inboxes": Inbox.objects.order_by("name")},
    )


@login_required
@require_POST
def rule_delete(request, pk: int):
    _require_lead(request.user)
    get_object_or_404(Rule, pk=pk).delete()
    return redirect("rules-manage")
