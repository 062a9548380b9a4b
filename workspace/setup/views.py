"""/setup/: while the installation has no admin, whoever has the setup token (in the server's
log, or WEBCARE_SETUP_TOKEN) makes the first admin here and is signed in. Afterwards the page
is gone (404), like anything else one may not see."""

import time

from django import forms
from django.contrib.auth import login, password_validation
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from inbox import first_run

# How often a visit may print the token in the log again (one process; it prints at start too).
ANNOUNCE_EVERY_SECONDS = 60
_announced_at = float("-inf")  # the first visit after the start always prints it


class FirstAdminForm(forms.Form):
    token = forms.CharField(
        label=_("Setup token"),
        max_length=200,
        help_text=_("Printed in the server's log when it started (or the value of WEBCARE_SETUP_TOKEN)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    username = forms.CharField(label=_("Username"), max_length=150)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error(
                "password2", forms.ValidationError(_("The two password fields didn’t match."), code="mismatch")
            )
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


def _announce() -> None:
    global _announced_at
    if time.monotonic() - _announced_at > ANNOUNCE_EVERY_SECONDS:
        _announced_at = time.monotonic()
        first_run.setup_token_announce()


@require_http_methods(["GET", "POST"])
def setup_page(request):
    if not first_run.setup_open():
        raise Http404
    form = FirstAdminForm(request.POST or None)
    if request.method == "GET":
        _announce()
    elif form.is_valid():
        data = form.cleaned_data
        try:
            user = first_run.first_admin_create(
                token=data["token"],
                name=data["name"],
                email=data["email"],
                username=data["username"],
                password=data["password1"],
            )
        except first_run.SetupRefused as refused:
            field = "token" if refused.code == "setup_token_wrong" else None
            field = "username" if refused.code == "username_taken" else field
            form.add_error(field, str(refused))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("settings-inboxes")
    return render(request, "workspace/setup.html", {"form": form}, status=400 if form.errors else 200)
