"""Settings: Meta apps. One callback URL and verify token for all the Pages and WhatsApp numbers
of one Meta app, so a team lead never needs `manage.py create_meta_app`.

Leads see the list (name, app id, callback URL, handshake, the inboxes it delivers to) without
secrets; admins create apps, see the verify token and rotate the app secret. The app secret is
write-only: no page ever shows it."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from inbox.models import Role
from meta_platform.meta_apps import meta_app_create, meta_app_inboxes, meta_app_secret_change
from meta_platform.models import MetaApp
from meta_platform.setup import meta_id_valid

from ..access import require_admin, require_manager, role_of

SECTION = "inboxes"


class MetaAppForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    app_id = forms.CharField(
        label=gettext_lazy("App ID"),
        max_length=64,
        required=False,
        validators=[meta_id_valid],
        help_text=gettext_lazy("Shown at the top of the app's dashboard on developers.facebook.com."),
    )
    app_secret = forms.CharField(
        label=gettext_lazy("App secret"),
        max_length=255,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("App settings → Basic → App secret. Stored encrypted and never shown again."),
    )


class AppSecretForm(forms.Form):
    app_secret = forms.CharField(
        label=gettext_lazy("New app secret"),
        max_length=255,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("After you reset the secret in Meta's dashboard. Every inbox of this app gets it too."),
    )


def _is_admin(user) -> bool:
    return role_of(user) == Role.ADMIN


def _callback_url(app: MetaApp) -> str:
    return settings.PUBLIC_URL + app.webhook_path


def _row(app: MetaApp) -> dict:
    return {"app": app, "callback_url": _callback_url(app), "inboxes": meta_app_inboxes(app)}


@login_required
def meta_app_list(request):
    require_manager(request.user)
    rows = [_row(app) for app in MetaApp.objects.filter(is_active=True).order_by("name", "pk")]
    return render(
        request,
        "workspace/inboxes/meta_apps.html",
        {"settings_section": SECTION, "rows": rows, "is_admin": _is_admin(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meta_app_new(request):
    require_admin(request.user)
    form = MetaAppForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        app = meta_app_create(
            name=form.cleaned_data["name"],
            app_id=form.cleaned_data["app_id"],
            app_secret=form.cleaned_data["app_secret"],
            actor=request.user,
        )
        messages.success(request, _("Meta app added. Paste the callback URL and the verify token into its dashboard."))
        return redirect("settings-meta-app", pk=app.pk)
    return render(request, "workspace/inboxes/meta_app_new.html", {"settings_section": SECTION, "form": form})


@login_required
def meta_app_detail(request, pk: int):
    require_manager(request.user)
    app = get_object_or_404(MetaApp, pk=pk, is_active=True)
    return _detail_page(request, app, secret_form=AppSecretForm())


@login_required
@require_http_methods(["POST"])
def meta_app_secret(request, pk: int):
    """ "Rotate app secret": the new secret goes to the app and to every inbox holding the old one."""
    require_admin(request.user)
    app = get_object_or_404(MetaApp, pk=pk, is_active=True)
    form = AppSecretForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, app, secret_form=form, status=400)
    inboxes = meta_app_secret_change(app=app, app_secret=form.cleaned_data["app_secret"], actor=request.user)
    count = len(inboxes)
    messages.success(
        request,
        ngettext(
            "App secret changed, on the app and on %(count)s inbox.",
            "App secret changed, on the app and on %(count)s inboxes.",
            count,
        )
        % {"count": count},
    )
    return redirect("settings-meta-app", pk=app.pk)


def _detail_page(request, app: MetaApp, *, secret_form, status: int = 200):
    is_admin = _is_admin(request.user)
    context = {
        "settings_section": SECTION,
        **_row(app),
        "is_admin": is_admin,
        # The verify token only proves the URL is ours at the handshake, but it is still a
        # credential: leads see that it exists, not what it is.
        "verify_token": app.credentials.get("verify_token", "") if is_admin else "",
        "secret_form": secret_form if is_admin else None,
    }
    return render(request, "workspace/inboxes/meta_app_detail.html", context, status=status)
