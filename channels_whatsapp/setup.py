"""Connecting a WhatsApp number in the settings: the setup form and "Test connection"."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inbox.channel_registry import ConnectionResult
from inbox.setup_forms import secret_field
from meta_platform import setup

from . import errors
from .graph import GraphError, graph_request
from .templates import templates_sync

PHONE_FIELDS = "display_phone_number,verified_name,quality_rating"


class WhatsappSetupForm(setup.MetaSetupForm):
    account_field = "phone_number_id"
    field_order = ["name", "phone_number_id", "waba_id", "access_token", "app_secret"]

    phone_number_id = setup.account_id_field(
        _("Phone number id"), _("In Meta's App Dashboard: WhatsApp > API Setup, under the phone number.")
    )
    waba_id = forms.CharField(
        label=_("WhatsApp Business Account id"),
        required=False,
        max_length=64,
        help_text=_("Needed to sync the approved message templates."),
        validators=[setup.meta_id_valid],
    )
    access_token = secret_field(_("Access token"))
    app_secret = secret_field(_("App secret"))

    def initial_from(self, inbox) -> dict:
        return {**super().initial_from(inbox), "waba_id": (inbox.config or {}).get("waba_id", "")}

    def config_from(self, cleaned: dict) -> dict:
        return {"waba_id": cleaned.get("waba_id", "")}


def connection_test(inbox) -> ConnectionResult:
    """Ask the Graph API for the number (display number, name, quality rating) and sync the
    templates when the inbox has a WhatsApp Business Account id."""
    missing = setup.credentials_missing(inbox)
    if missing is not None:
        return missing
    try:
        phone = graph_request(
            "GET",
            f"/{inbox.external_id}",
            token=inbox.credentials["access_token"],
            params={"fields": PHONE_FIELDS},
        )
    except GraphError as error:
        return ConnectionResult(ok=False, error=_in_words(error))
    facts = [
        (_("Display number"), str(phone.get("display_phone_number") or "")),
        (_("Verified name"), str(phone.get("verified_name") or "")),
        (_("Quality rating"), str(phone.get("quality_rating") or "")),
    ]
    if (inbox.config or {}).get("waba_id"):
        try:
            synced = templates_sync(inbox=inbox)
        except GraphError as error:
            facts.append((_("Templates"), str(_("not synced: {reason}")).format(reason=_in_words(error))))
        else:
            text = str(_("{templates} synced, {approved} approved")).format(**synced)
            facts.append((_("Templates"), text))
    return ConnectionResult(ok=True, facts=tuple(facts))


def _in_words(error: GraphError) -> str:
    if error.code is None:
        return error.message  # transport: "Could not reach WhatsApp (...)"
    return str(errors.reason_for(error.code, title=error.title, details=error.details))
