"""Setting up an email inbox: `create_inbox email`, the settings' form and "Test connection"."""

import argparse
import smtplib
import ssl

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from inbox.channel_registry import ConnectionResult, CopyValue, InboxSetup
from inbox.setup_forms import ChannelSetupForm, secret_field

from .imap import AFTER_MOVE, AFTER_SEEN, DEFAULT_PROCESSED_FOLDER, ImapError, imap_login_check
from .sender import SMTP_TIMEOUT
from .sns import TOPIC_ARN

SECURITY_CHOICES = [("ssl", _("SSL/TLS")), ("starttls", _("STARTTLS")), ("none", _("None (only on a trusted network)"))]


def cli_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--address", required=True, help="The support address customers write to")
    parser.add_argument("--imap-host", required=True)
    parser.add_argument("--imap-port", type=int, required=True)
    parser.add_argument("--imap-user", required=True)
    parser.add_argument("--imap-password", required=True)
    parser.add_argument("--imap-folder", default="INBOX")
    parser.add_argument("--smtp-host", required=True)
    parser.add_argument("--smtp-port", type=int, required=True)
    parser.add_argument("--smtp-user", default="")
    parser.add_argument("--smtp-password", default="")
    parser.add_argument("--no-tls", action="store_true", help="Plain connections (a local test server)")
    parser.add_argument("--plus-addressing", action="store_true", help="Replies carry support+c<id>@ as Reply-To")


def cli_setup(options: dict) -> InboxSetup:
    plain = options.get("no_tls")
    return InboxSetup(
        external_id=options["address"].lower(),
        credentials={"imap_password": options["imap_password"], "smtp_password": options.get("smtp_password") or ""},
        config={
            "address": options["address"].lower(),
            "imap_host": options["imap_host"],
            "imap_port": options["imap_port"],
            "imap_user": options["imap_user"],
            "imap_folder": options.get("imap_folder") or "INBOX",
            "imap_security": "none" if plain else "ssl",
            "smtp_host": options["smtp_host"],
            "smtp_port": options["smtp_port"],
            "smtp_user": options.get("smtp_user") or "",
            "smtp_security": "none" if plain else "starttls",
            "plus_addressing": bool(options.get("plus_addressing")),
        },
    )


def setup_summary(inbox) -> dict:
    return {"address": (inbox.config or {}).get("address", "")}


CONFIG_FIELDS = (
    "address", "company", "from_pattern", "signature", "imap_host", "imap_port", "imap_security", "imap_user",
    "imap_folder", "smtp_host", "smtp_port", "smtp_security", "smtp_user", "plus_addressing", "after_processing",
    "processed_folder", "ses_topic_arn",
)  # fmt: skip
# What the poller does to the mailbox beyond reading it, and which SNS topic may subscribe
# the webhook: only an admin decides.
ADMIN_FIELDS = ("after_processing", "processed_folder", "ses_topic_arn")
AFTER_PROCESSING_CHOICES = [
    (AFTER_SEEN, _("Mark as read")),
    (AFTER_MOVE, _("Move to a folder")),
]


class EmailSetupForm(ChannelSetupForm):
    """A mailbox any provider offers: IMAP in, SMTP out, with the inbox's own credentials."""

    credential_fields = ("imap_password", "smtp_password")
    account_field = "address"
    field_order = ["name", "address", "company", "from_pattern", "signature", "imap_host", "imap_port",
                   "imap_security", "imap_user", "imap_password", "imap_folder", "smtp_host", "smtp_port",
                   "smtp_security", "smtp_user", "smtp_password", "plus_addressing", "after_processing",
                   "processed_folder", "ses_topic_arn"]  # fmt: skip

    address = forms.EmailField(
        label=_("Support address"), help_text=_("Where customers write to, e.g. support@acme.nl.")
    )
    company = forms.CharField(label=_("Company name"), max_length=120, required=False,
                              help_text=_("Shown in From; empty: the inbox's name."))  # fmt: skip
    from_pattern = forms.CharField(
        label=_("Sender name"), max_length=120, required=False, initial=_("{agent} from {company}"),
        help_text=_("How replies are signed in From: {agent} and {company} are filled in, e.g. \"Anna from Acme\"."),
    )  # fmt: skip
    signature = forms.CharField(label=_("Signature"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    imap_host = forms.CharField(label=_("IMAP server"), max_length=255, help_text=_("e.g. imap.gmail.com"))
    imap_port = forms.IntegerField(label=_("IMAP port"), initial=993, min_value=1, max_value=65535)
    imap_security = forms.ChoiceField(label=_("IMAP security"), choices=SECURITY_CHOICES, initial="ssl")
    imap_user = forms.CharField(label=_("IMAP user name"), max_length=255)
    imap_password = secret_field(_("IMAP password"))
    imap_folder = forms.CharField(label=_("Folder"), max_length=255, initial="INBOX")
    smtp_host = forms.CharField(label=_("SMTP server"), max_length=255, help_text=_("e.g. smtp.gmail.com"))
    smtp_port = forms.IntegerField(label=_("SMTP port"), initial=587, min_value=1, max_value=65535)
    smtp_security = forms.ChoiceField(label=_("SMTP security"), choices=SECURITY_CHOICES, initial="starttls")
    smtp_user = forms.CharField(label=_("SMTP user name"), max_length=255, required=False)
    smtp_password = secret_field(_("SMTP password"))
    plus_addressing = forms.BooleanField(
        label=_("Per-conversation reply address"), required=False,
        help_text=_("Replies ask to be answered at an address like support+c1234@, which finds the conversation even "
                    "when a customer's client drops the threading headers. Only if your provider delivers "
                    "plus-addresses."),
    )  # fmt: skip

    after_processing = forms.ChoiceField(
        label=_("After processing"), choices=AFTER_PROCESSING_CHOICES, initial=AFTER_SEEN, required=False,
        help_text=_("What happens to an email in the mailbox once it is in the inbox."),
    )  # fmt: skip
    processed_folder = forms.CharField(
        label=_("Folder for processed mail"), max_length=255, required=False, initial=DEFAULT_PROCESSED_FOLDER,
        help_text=_("With \"Move to a folder\": e.g. Webcare/Processed (/ for a subfolder). Created if missing."),
    )  # fmt: skip

    ses_topic_arn = forms.RegexField(
        label=_("Amazon SNS topic (ARN)"), regex=TOPIC_ARN, max_length=300, required=False,
        help_text=_("Only with Amazon SES inbound: the topic whose subscription to the webhook is confirmed "
                    "automatically, e.g. arn:aws:sns:eu-west-1:123456789012:inbound. Empty: any topic that "
                    "knows the webhook's password."),
        error_messages={"invalid": _("Enter a topic ARN such as arn:aws:sns:eu-west-1:123456789012:inbound.")},
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "smtp_password" in self.fields:
            self.fields["smtp_password"].required = False  # some relays take no login
        if not self.credentials_editable:
            for name in ADMIN_FIELDS:
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        if "after_processing" in self.fields:
            cleaned["after_processing"] = cleaned.get("after_processing") or AFTER_SEEN
        if cleaned.get("after_processing") == AFTER_MOVE:
            folder = (cleaned.get("processed_folder") or "").strip().strip("/")
            if not folder:
                self.add_error("processed_folder", _("Name the folder to move processed mail to."))
            elif folder.upper() == (cleaned.get("imap_folder") or "INBOX").strip().upper():
                self.add_error("processed_folder", _("Choose another folder than the one that is read."))
            cleaned["processed_folder"] = folder
        return cleaned

    def initial_from(self, inbox) -> dict:
        config = inbox.config or {}
        return {**super().initial_from(inbox), **{key: config[key] for key in CONFIG_FIELDS if key in config}}

    def config_from(self, cleaned: dict) -> dict:
        config = {key: cleaned.get(key) for key in CONFIG_FIELDS if key in self.fields}
        config["address"] = cleaned["address"].lower()
        return config

    def setup(self) -> InboxSetup:
        setup = super().setup()
        return InboxSetup(name=setup.name, external_id=setup.external_id.lower(), credentials=setup.credentials,
                          config=setup.config)  # fmt: skip


def connection_test(inbox) -> ConnectionResult:
    """Log in to IMAP (and open the folder), then greet the SMTP server and log in there."""
    config = inbox.config or {}
    if config.get("smtp_backend") == "file":
        return ConnectionResult(ok=True, facts=((_("Outgoing mail"), _t("written to files (demo)")),))
    try:
        exists, idle = imap_login_check(inbox)
    except ImapError as error:
        return ConnectionResult(ok=False, error=str(error))
    facts = [(_("IMAP folder"), _t("%(count)s messages") % {"count": exists}),
             (_("Push (IDLE)"), _t("yes") if idle else _t("no, polled every minute"))]  # fmt: skip
    if config.get("smtp_backend") == "esp":
        return ConnectionResult(ok=True, facts=tuple(facts))
    try:
        facts.append((_("SMTP server"), smtp_check(inbox)))
    except SmtpCheckError as error:
        return ConnectionResult(ok=False, facts=tuple(facts), error=str(error))
    return ConnectionResult(ok=True, facts=tuple(facts))


class SmtpCheckError(Exception):
    pass


def smtp_check(inbox) -> str:
    config, credentials = inbox.config or {}, inbox.credentials or {}
    host, port = config.get("smtp_host", ""), int(config.get("smtp_port") or 587)
    security = config.get("smtp_security", "starttls")
    try:
        if security == "ssl":
            server = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT, context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
        with server:
            code, greeting = server.ehlo()
            if security == "starttls":
                server.starttls(context=ssl.create_default_context())
                server.ehlo()
            if config.get("smtp_user"):
                server.login(config["smtp_user"], credentials.get("smtp_password", ""))
            return " ".join(greeting.decode("utf-8", "replace").split()[:1]) or str(code)
    except smtplib.SMTPAuthenticationError as error:
        raise SmtpCheckError(
            _t("The SMTP server refused the login: %(reason)s")
            % {"reason": error.smtp_error.decode("utf-8", "replace")}
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise SmtpCheckError(
            _t("The SMTP server offers no login or STARTTLS here; check the port and security.")
        ) from None
    except (TimeoutError, smtplib.SMTPException, OSError, ssl.SSLError) as error:
        raise SmtpCheckError(
            _t("Could not reach the SMTP server %(host)s:%(port)s (%(reason)s).")
            % {"host": host, "port": port, "reason": error or type(error).__name__}
        ) from None


def copy_values(inbox) -> list[CopyValue]:
    """For provider webhooks (Postmark, Mailgun, SendGrid, Amazon SES): the inbound URL."""
    return [
        CopyValue(
            name="inbound_url",
            label=_("Inbound webhook URL (only with a provider's inbound parse)"),
            value=f"{settings.PUBLIC_URL}/webhooks/email/{inbox.public_key}/<provider>/",
        )
    ]
