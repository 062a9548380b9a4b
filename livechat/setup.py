"""Setting up a live-chat inbox in the settings: the form (websites, look, greeting, pre-chat
questions), the snippet to copy and a preview of the widget on a page of ours."""

from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from inbox.channel_registry import CopyValue
from inbox.setup_forms import ChannelSetupForm

from .selectors import PRECHAT_FIELDS
from .snippet import snippet_for

GREETING_LANGUAGES = (("en", _("Greeting (English)")), ("nl", _("Greeting (Dutch)")), ("de", _("Greeting (German)")))
PRECHAT_CHOICES = [("", _("Not asked")), ("optional", _("Optional")), ("required", _("Required"))]
PRECHAT_LABELS = {
    "name": _("Ask for the name"),
    "email": _("Ask for the email address"),
    "phone": _("Ask for the phone number"),
}


def origins_parse(text: str) -> list[str]:
    """One website per line -> origins (`https://shop.example`); a path is dropped, a line that
    is not an http(s) address is refused with the line in the message."""
    origins = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        parts = urlsplit(line)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValidationError(
                _("'%(line)s' is not a website address; write it like https://shop.example"),
                code="origin",
                params={"line": line},
            )
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        if origin not in origins:
            origins.append(origin)
    return origins


class LivechatSetupForm(ChannelSetupForm):
    allowed_origins = forms.CharField(
        label=_("Allowed websites"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "https://shop.example"}),
        help_text=_("One address per line. Empty: any website may show the chat."),
    )
    color = forms.RegexField(
        label=_("Colour"),
        regex=r"^#[0-9a-fA-F]{6}$",
        initial="#2563eb",
        widget=forms.TextInput(attrs={"type": "color"}),
        error_messages={"invalid": _("Choose a colour like #2563eb.")},
    )
    position = forms.ChoiceField(
        label=_("Position"), choices=[("right", _("Bottom right")), ("left", _("Bottom left"))]
    )

    email_after_minutes = forms.IntegerField(
        label=_("Answer by email after (minutes)"),
        required=False,
        min_value=1,
        max_value=1440,
        initial=10,
        help_text=_("How long the visitor's chat window must have been closed before a reply also goes by email."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .follow_up import follow_up_inboxes

        self.fields["email_inbox"] = forms.ChoiceField(
            label=_("Continue by email from"),
            required=False,
            choices=[("", _("Not by email"))] + [(str(i.pk), i.name) for i in follow_up_inboxes()],
            help_text=_(
                "A visitor who left and gave an email address gets the agents' replies by email from this "
                "inbox, with a link back to the chat; their answer lands in the same conversation."
            ),
        )
        for code, label in GREETING_LANGUAGES:
            self.fields[f"greeting_{code}"] = forms.CharField(label=label, required=False, max_length=500)
        for name in PRECHAT_FIELDS:
            self.fields[f"prechat_{name}"] = forms.ChoiceField(
                label=PRECHAT_LABELS.get(name, name), choices=PRECHAT_CHOICES, required=False
            )
        if not self.is_bound and self.inbox is not None:
            self.initial.update(self._initial_config(self.inbox.config or {}))

    @staticmethod
    def _initial_config(config: dict) -> dict:
        greeting = config.get("greeting") or {}
        if isinstance(greeting, str):
            greeting = {"en": greeting}
        initial = {
            "allowed_origins": "\n".join(config.get("allowed_origins") or []),
            "color": config.get("color") or "#2563eb",
            "position": config.get("position") or "right",
            "email_inbox": str(config.get("email_inbox_id") or ""),
            "email_after_minutes": config.get("email_after_minutes") or 10,
        }
        initial.update({f"greeting_{code}": greeting.get(code, "") for code, _label in GREETING_LANGUAGES})
        prechat = config.get("prechat") or {}
        initial.update({f"prechat_{name}": prechat.get(name, "") for name in PRECHAT_FIELDS})
        return initial

    def clean_allowed_origins(self) -> list[str]:
        return origins_parse(self.cleaned_data.get("allowed_origins") or "")

    def config_from(self, cleaned: dict) -> dict:
        greeting = {
            code: cleaned[f"greeting_{code}"] for code, _label in GREETING_LANGUAGES if cleaned.get(f"greeting_{code}")
        }
        prechat = {name: cleaned[f"prechat_{name}"] for name in PRECHAT_FIELDS if cleaned.get(f"prechat_{name}")}
        return {
            "allowed_origins": cleaned["allowed_origins"],
            "color": cleaned["color"].lower(),
            "position": cleaned["position"],
            "greeting": greeting,
            "prechat": prechat,
            "email_inbox_id": int(cleaned["email_inbox"]) if cleaned.get("email_inbox") else None,
            "email_after_minutes": cleaned.get("email_after_minutes") or 10,
        }


def copy_values(inbox) -> list[CopyValue]:
    return [
        CopyValue(name="snippet", label=_("Snippet (paste before </body>)"), value=snippet_for(inbox), multiline=True)
    ]


def preview_html(inbox) -> str:
    """The widget itself, as a website shows it (our own address is always an allowed origin)."""
    if not inbox.is_active:
        return ""
    # snippet_for builds the tag with format_html (every value escaped); str() dropped the mark.
    return mark_safe(snippet_for(inbox))  # noqa: S308
