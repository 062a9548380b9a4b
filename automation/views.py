"""The leads' knowledge-base page: entries, an editor, and the bot's preview."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from inbox import access
from inbox.models import Inbox

from .bot import bot_preview
from .faq import DEFAULT_BOT_THRESHOLD
from .models import KnowledgeEntry


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
    inbox = Inbox.objects.filter(pk=request.GET.get("inbox") or 0).first() if request.GET.get("inbox") else None
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
