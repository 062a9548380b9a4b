"""Connecting a Facebook Page in the settings: the setup form and "Test connection"."""

from django.utils.translation import gettext_lazy as _

from inbox.channel_registry import ConnectionResult
from inbox.setup_forms import secret_field
from meta_platform import setup

from . import errors
from .graph import GraphError, graph_request


class MessengerSetupForm(setup.MetaSetupForm):
    account_field = "page_id"
    field_order = ["name", "page_id", "access_token", "app_secret"]

    page_id = setup.account_id_field(
        _("Page id"), _("On the Facebook Page: About > Page transparency, or Meta's App Dashboard.")
    )
    access_token = secret_field(_("Page access token"))
    app_secret = secret_field(_("App secret"))


def connection_test(inbox) -> ConnectionResult:
    """Ask the Graph API for the Page's name with the stored Page token."""
    missing = setup.credentials_missing(inbox)
    if missing is not None:
        return missing
    try:
        page = graph_request(
            "GET", f"/{inbox.external_id}", token=inbox.credentials["access_token"], params={"fields": "name"}
        )
    except GraphError as error:
        reason = (
            error.message if error.code is None else errors.reason_for(error.code, error.subcode, message=error.message)
        )
        return ConnectionResult(ok=False, error=str(reason))
    token = inbox.credentials["access_token"]

    def call(method, path, **kwargs):
        return graph_request(method, path, token=token, **kwargs)

    subscribed = setup.app_subscribe(call, inbox.external_id, setup.PAGE_SUBSCRIBED_FIELDS)
    return ConnectionResult(ok=True, facts=((_("Page"), str(page.get("name") or "")), subscribed))
