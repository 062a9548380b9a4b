"""Your profile, desktop notifications and API tokens. Every signed-in user manages only their own."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from inbox import api_tokens, notifications, people
from inbox.models import AgentProfile, ApiToken
from kernel.time_zones import time_zone_choices


class ProfileForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        required=False,
        help_text=gettext_lazy("Dates and times in Webcare are shown to you in this zone."),
    )

    def __init__(self, *args, current_zone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", gettext_lazy("Browser language")), *settings.LANGUAGES]
        team_zone = _("The team's time zone (%(zone)s)") % {"zone": settings.TIME_ZONE.replace("_", " ")}
        self.fields["time_zone"].choices = time_zone_choices(current=current_zone, blank=team_zone)


class NotificationsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Notify me about"),
        choices=notifications.NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    sound = forms.BooleanField(label=gettext_lazy("Play a sound with each notification"), required=False)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Token name"),
        max_length=80,
        help_text=gettext_lazy("What will use it, e.g. “CRM sync”."),
    )


def _page(request, *, profile_form=None, token_form=None, new_key: str = "", status: int = 200):
    profile = AgentProfile.objects.filter(user=request.user).first()
    zone = profile.time_zone if profile else ""
    initial = {"name": request.user.get_full_name(), "language": profile.language if profile else "", "time_zone": zone}
    chosen = notifications.notification_preferences(user=request.user)
    context = {
        "notifications_form": NotificationsForm(initial={"kinds": sorted(chosen.kinds), "sound": chosen.sound}),
        "profile_form": profile_form or ProfileForm(initial=initial, current_zone=zone),
        "token_form": token_form or TokenForm(),
        "tokens": api_tokens.api_tokens_of(request.user),
        "new_key": new_key,
    }
    return render(request, "workspace/profile.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if not form.is_valid():
            return _page(request, profile_form=form, status=400)
        people.profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("profile")
    return _page(request)


@login_required
@require_POST
def notifications_choose(request):
    """Which desktop notifications the agent wants; the browser's permission is separate."""
    form = NotificationsForm(request.POST)
    if form.is_valid():
        notifications.notification_preferences_set(
            user=request.user, kinds=form.cleaned_data["kinds"], sound=form.cleaned_data["sound"]
        )
        messages.success(request, _("Saved."))
    return redirect("profile")


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, token_form=form, status=400)
    try:
        _token, key = api_tokens.api_token_create(user=request.user, name=form.cleaned_data["name"])
    except api_tokens.ApiTokenRefused as refusal:
        form.add_error("name", refusal.reason)
        return _page(request, token_form=form, status=400)
    # Rendered, not redirected to: the key exists only in this response.
    return _page(request, new_key=key)


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_tokens.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token revoked: it no longer works."))
    return redirect("profile")
