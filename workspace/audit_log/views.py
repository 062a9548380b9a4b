"""The audit log, read in the app by leads and admins."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction, AuditEntry
from audit.selectors import audit_changes, audit_entries

from ..access import require_manager

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    actor = forms.ModelChoiceField(label=_("Who"), queryset=get_user_model().objects.none(), required=False)
    action = forms.ChoiceField(label=_("What"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        actors = AuditEntry.objects.exclude(actor=None).values("actor")
        self.fields["actor"].queryset = get_user_model().objects.filter(pk__in=actors).order_by("username")
        self.fields["actor"].empty_label = _("Anyone")
        self.fields["action"].choices = [("", _("Anything")), *AuditAction.choices]


@login_required
def audit_log(request):
    require_manager(request.user)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_entries(
        actor_id=filters["actor"].pk if filters.get("actor") else None,
        action=filters.get("action", ""),
        since=filters.get("since"),
        until=filters.get("until"),
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "settings_section": "audit",
        "form": form,
        "page": page,
        "rows": [(entry, audit_changes(entry.data)) for entry in page],
        "query": query.urlencode(),
    }
    return render(request, "workspace/audit_log/list.html", context)
