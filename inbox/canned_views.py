"""Canned responses, managed by team leads (and admins); agents use them from the composer."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from . import access
from .models import CannedResponse


class CannedResponseForm(forms.ModelForm):
    class Meta:
        model = CannedResponse
        fields = ["shortcut", "title", "category", "text", "inboxes"]
        labels = {
            "shortcut": _("Shortcut"),
            "title": _("Title"),
            "category": _("Category"),
            "text": _("Text"),
            "inboxes": _("Inboxes (none selected: all)"),
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 4}), "inboxes": forms.CheckboxSelectMultiple}


def _require_lead(user) -> None:
    if not access.sees_everything(user):
        raise Http404  # as everywhere: what you may not manage does not exist for you


@login_required
@require_http_methods(["GET", "POST"])
def canned_manage(request, pk: int | None = None):
    _require_lead(request.user)
    instance = get_object_or_404(CannedResponse, pk=pk) if pk else None
    form = CannedResponseForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        canned = form.save(commit=False)
        canned.created_by = canned.created_by or request.user
        canned.save()
        form.save_m2m()
        return redirect("canned-manage")
    return render(
        request,
        "inbox/canned.html",
        {"form": form, "editing": instance, "responses": CannedResponse.objects.prefetch_related("inboxes")},
    )


@login_required
@require_POST
def canned_delete(request, pk: int):
    _require_lead(request.user)
    get_object_or_404(CannedResponse, pk=pk).delete()
    return redirect("canned-manage")
