"""The base of every channel's setup form in the settings (`Channel.setup_form`).

A channel's form declares its fields and says which are credentials, which field is the
platform's account id and how the rest becomes `Inbox.config`. Credentials are write-only: the
widgets never render a stored value, an empty field keeps what is stored, and for someone who may
not manage credentials (a lead) the fields are not there at all.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .channel_registry import InboxSetup

KEEP_HELP = _("Stored; leave empty to keep it.")
MISSING_HELP = _("Not set yet.")


def secret_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=True,
        strip=True,
        max_length=1000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


class ChannelSetupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("What agents see in the inbox list."))

    # The fields holding secrets (stored in `Inbox.credentials`, never shown back).
    credential_fields: tuple[str, ...] = ()
    # The field holding the platform's id of the account (`Inbox.external_id`), if any.
    account_field: str = ""

    def __init__(self, data=None, *, inbox=None, credentials_editable: bool = True, **kwargs):
        initial = self.initial_from(inbox) if inbox is not None else {}
        super().__init__(data, initial=initial, **kwargs)
        self.inbox = inbox
        self.credentials_editable = credentials_editable
        stored = (inbox.credentials or {}) if inbox is not None else {}
        for name in self.credential_fields:
            if not credentials_editable:
                del self.fields[name]
            elif inbox is not None:
                self.fields[name].required = False
                self.fields[name].help_text = KEEP_HELP if stored.get(name) else MISSING_HELP

    def initial_from(self, inbox) -> dict:
        """The form's starting values from a stored inbox (never a credential)."""
        initial = {"name": inbox.name}
        if self.account_field:
            initial[self.account_field] = inbox.external_id
        return initial

    def config_from(self, cleaned: dict) -> dict:
        """The `Inbox.config` keys this form manages, from its cleaned data."""
        return {}

    def credentials_from(self, cleaned: dict) -> dict:
        """The secrets typed in; an empty field keeps the stored value."""
        return {name: cleaned[name] for name in self.credential_fields if cleaned.get(name)}

    def setup(self) -> InboxSetup:
        cleaned = self.cleaned_data
        return InboxSetup(
            name=cleaned["name"],
            external_id=cleaned.get(self.account_field, "") if self.account_field else "",
            credentials=self.credentials_from(cleaned) if self.credentials_editable else {},
            config=self.config_from(cleaned),
        )
