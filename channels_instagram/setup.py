"""Connecting an Instagram professional account in the settings and on the command line: the
setup form, `create_inbox instagram` and "Test connection"."""

import argparse

from django import forms
from django.utils.translation import gettext_lazy as _

from inbox.channel_registry import ConnectionResult, InboxSetup
from inbox.setup_forms import secret_field
from meta_platform import setup

from .errors import ERRORS
from .graph import LOGIN_FACEBOOK, LOGIN_INSTAGRAM, GraphError, graph_request_for, instagram_login

LOGIN_CHOICES = [
    (LOGIN_FACEBOOK, _("Through its Facebook Page (Instagram API with Facebook Login)")),
    (LOGIN_INSTAGRAM, _("On its own (Instagram API with Instagram Login)")),
]


class InstagramSetupForm(setup.MetaSetupForm):
    account_field = "account_id"
    field_order = ["name", "account_id", "login", "page_id", "access_token", "app_secret"]

    account_id = setup.account_id_field(
        _("Instagram account id"),
        _("The professional account's id: the entry id of its webhooks (Meta's App Dashboard, Instagram settings)."),
    )
    login = forms.ChoiceField(label=_("Connected"), choices=LOGIN_CHOICES, initial=LOGIN_FACEBOOK)
    page_id = forms.CharField(
        label=_("Facebook Page id"),
        required=False,
        max_length=64,
        validators=[setup.meta_id_valid],
        help_text=_("The Page linked to the account; replies are sent through it. Not used with Instagram Login."),
    )
    access_token = secret_field(_("Access token (the Page's, or the Instagram user's with Instagram Login)"))
    app_secret = secret_field(_("App secret (the Instagram app's secret with Instagram Login)"))

    def initial_from(self, inbox) -> dict:
        config = inbox.config or {}
        return {
            **super().initial_from(inbox),
            "login": config.get("login", LOGIN_FACEBOOK),
            "page_id": config.get("page_id", ""),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("login") == LOGIN_FACEBOOK and not cleaned.get("page_id"):
            self.add_error("page_id", _("An account connected through its Facebook Page needs the Page id."))
        return cleaned

    def config_from(self, cleaned: dict) -> dict:
        login = cleaned.get("login") or LOGIN_FACEBOOK
        return {"login": login, "page_id": cleaned.get("page_id", "") if login == LOGIN_FACEBOOK else ""}


def cli_arguments(parser: argparse.ArgumentParser) -> None:
    setup.cli_arguments(parser, account_option="--account-id")
    parser.add_argument("--page-id", default="", help="The linked Facebook Page (Facebook Login)")
    parser.add_argument("--login", choices=[LOGIN_FACEBOOK, LOGIN_INSTAGRAM], default=LOGIN_FACEBOOK)


def cli_setup(options: dict) -> InboxSetup:
    login = options.get("login") or LOGIN_FACEBOOK
    config = {"login": login, "page_id": options.get("page_id") or ""}
    return setup.cli_setup(options, account_key="account_id", config=config)


def connection_test(inbox) -> ConnectionResult:
    """Ask the Graph API (on the host of the inbox's login type) for the account's username."""
    missing = setup.credentials_missing(inbox)
    if missing is not None:
        return missing
    try:
        account = graph_request_for(
            "GET",
            f"/{inbox.external_id}",
            inbox=inbox,
            token=inbox.credentials["access_token"],
            params={"fields": "username,name"},
        )
    except GraphError as error:
        reason = (
            error.message if error.code is None else ERRORS.reason_for(error.code, error.subcode, message=error.message)
        )
        return ConnectionResult(ok=False, error=str(reason))
    return ConnectionResult(
        ok=True, facts=((_("Account"), "@" + str(account.get("username") or "")), _subscribe(inbox))
    )


# Instagram Login subscribes the account itself, with Instagram's webhook fields (echoes come
# with `messages`, reads are `messaging_seen`; `mentions` needs no permission beyond comments').
ACCOUNT_SUBSCRIBED_FIELDS = (
    "comments",
    "live_comments",
    "mentions",
    "messages",
    "messaging_seen",
    "message_reactions",
    "messaging_postbacks",
    "messaging_referral",
)


def _subscribe(inbox) -> tuple:
    """Subscribe the app: the Page linked to the account (Facebook Login, whose `feed` and
    messages carry the account's webhooks), or the account itself (Instagram Login)."""
    token = inbox.credentials["access_token"]

    def call(method, path, **kwargs):
        return graph_request_for(method, path, inbox=inbox, token=token, **kwargs)

    if instagram_login(inbox):
        return setup.app_subscribe(call, inbox.external_id, ACCOUNT_SUBSCRIBED_FIELDS)
    page_id = (inbox.config or {}).get("page_id") or ""
    if not page_id:
        return (_("Webhook subscription"), str(_("not subscribed: enter the Page id first")))
    return setup.app_subscribe(call, page_id, setup.PAGE_SUBSCRIBED_FIELDS)
