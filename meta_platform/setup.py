"""Setting up a Meta channel's inbox, from the command line or the settings: what both Meta
channels share (options, the setup form's secrets, the callback URL and verify token)."""

import argparse
import secrets
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from inbox.channel_registry import ConnectionResult, CopyValue, InboxSetup
from inbox.setup_forms import ChannelSetupForm

from .graph import GraphError

# Meta's platforms let the business write first (a bot's survey, say) only inside 24 hours of
# the customer's last message; Messenger's 7-day HUMAN_AGENT tag is for people, not bots.
BUSINESS_INITIATED_WINDOW = timedelta(hours=23, minutes=50)


def cli_arguments(parser: argparse.ArgumentParser, *, account_option: str) -> None:
    """`create_inbox <kind>`'s options: the account's id (`account_option`) and the app's secrets."""
    parser.add_argument(account_option, required=True)
    parser.add_argument("--access-token", required=True)
    parser.add_argument("--app-secret", required=True)
    parser.add_argument("--verify-token", required=True)


def cli_setup(options: dict, *, account_key: str, config: dict | None = None) -> InboxSetup:
    return InboxSetup(
        external_id=options[account_key],
        credentials={key: options[key] for key in ("access_token", "app_secret", "verify_token")},
        config=config or {},
    )


# --- The settings' setup flow -----------------------------------------------------------------


class MetaSetupForm(ChannelSetupForm):
    """What both Meta channels ask: the account's id (each channel names it), an access token and
    the app secret. The verify token is ours to choose: generated once, shown to paste into Meta."""

    credential_fields = ("access_token", "app_secret")

    def credentials_from(self, cleaned: dict) -> dict:
        credentials = super().credentials_from(cleaned)
        if not (self.inbox is not None and (self.inbox.credentials or {}).get("verify_token")):
            credentials["verify_token"] = verify_token_new()
        return credentials


def verify_token_new() -> str:
    return secrets.token_urlsafe(24)


meta_id_valid = RegexValidator(r"^\d+$", _("Meta's ids are digits only, e.g. 106540352242922."))


def account_id_field(label, help_text) -> forms.CharField:
    return forms.CharField(label=label, max_length=64, help_text=help_text, validators=[meta_id_valid])


def copy_values(inbox) -> list[CopyValue]:
    """The callback URL and verify token to paste into the Meta app's webhook settings."""
    return [
        CopyValue(name="callback_url", label=_("Callback URL"), value=settings.PUBLIC_URL + inbox.webhook_path),
        CopyValue(
            name="verify_token",
            label=_("Verify token"),
            value=str((inbox.credentials or {}).get("verify_token") or ""),
            secret=True,
        ),
    ]


def credentials_missing(inbox) -> ConnectionResult | None:
    """A failed result when the inbox lacks what a Graph API call needs, else None."""
    if not inbox.external_id or not (inbox.credentials or {}).get("access_token"):
        return ConnectionResult(ok=False, error=str(_("Enter the account id and the access token first.")))
    return None


# What "Test connection" subscribes the app to on the Page (Page webhook fields: `feed` brings
# the comments, the rest Messenger's messages: echoes, reads and edits are fields of their own
# on Messenger). Meta sends only fields subscribed both here and in the App Dashboard's webhook
# settings; the call needs `pages_manage_metadata`. An Instagram account connected through the
# Page needs the Page subscribed to any field, its own fields being the app's; it asks for the
# same list, so that testing either inbox of a Page with both leaves what both need.
PAGE_SUBSCRIBED_FIELDS = (
    "feed",
    "messages",
    "messaging_postbacks",
    "message_echoes",
    "message_reads",
    "message_reactions",
    "messaging_referrals",
    "message_edits",
)


def app_subscribe(graph_call, account_id: str, fields: tuple[str, ...]) -> tuple:
    """Subscribe the app to the account's webhooks (`POST /{id}/subscribed_apps?subscribed_fields=`),
    as one fact for the "Test connection" result: what was subscribed, or why not."""
    label = _("Webhook subscription")
    try:
        answer = graph_call("POST", f"/{account_id}/subscribed_apps", params={"subscribed_fields": ",".join(fields)})
    except GraphError as error:
        return (label, str(_("not subscribed: {reason}")).format(reason=error.message))
    if not answer.get("success"):
        return (label, str(_("not subscribed: {reason}")).format(reason=str(answer)[:200]))
    return (label, ", ".join(fields))
