"""Forms of the inbox settings that are not a channel's own: members, service levels, survey."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inbox.models import Role
from reporting.models import SurveySetting

UNITS = [("minutes", _("minutes")), ("hours", _("hours"))]
UNIT_SECONDS = {"minutes": 60, "hours": 3600}
# A week: a target beyond that is a typo, not a service level.
MAX_TARGET_SECONDS = 7 * 24 * 3600


class AgentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        name = user.get_full_name() or user.get_username()
        profile = getattr(user, "agent_profile", None)
        role = Role(profile.role).label if profile is not None else ""
        return f"{name} ({user.get_username()}) · {role}" if role else f"{name} ({user.get_username()})"


class InboxMembersForm(forms.Form):
    members = AgentChoiceField(
        label=_("Members"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Agents see and answer only the inboxes they are members of; leads and admins see all."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, agent_profile__isnull=False)
            .select_related("agent_profile")
            .order_by("first_name", "last_name", "username")
        )


def seconds_as_amount(seconds: int | None) -> tuple[int | None, str]:
    """A stored target in the unit a lead thinks in: whole hours as hours, else minutes."""
    if not seconds:
        return None, "minutes"
    if seconds % 3600 == 0:
        return seconds // 3600, "hours"
    return max(1, round(seconds / 60)), "minutes"


QUESTION_LANGUAGES = ("en", "nl", "de")


class ServiceLevelsForm(forms.Form):
    first_response = forms.IntegerField(label=_("First response within"), min_value=1)
    first_response_unit = forms.ChoiceField(label=_("Unit"), choices=UNITS)
    next_response = forms.IntegerField(
        label=_("Next responses within"),
        min_value=1,
        required=False,
        help_text=_("How soon each later customer message should be answered. Empty: no target."),
    )
    next_response_unit = forms.ChoiceField(label=_("Unit"), choices=UNITS)
    survey = forms.ChoiceField(
        label=_("Survey when a conversation is resolved"),
        choices=SurveySetting.Survey.choices,
        help_text=_("Sent to the customer through the conversation's channel."),
    )
    question_en = forms.CharField(label=_("Question in English"), required=False, max_length=500)
    question_nl = forms.CharField(label=_("Question in Dutch"), required=False, max_length=500)
    question_de = forms.CharField(
        label=_("Question in German"),
        required=False,
        max_length=500,
        help_text=_("Your own wording of the survey question; empty: the standard question."),
    )
    # Only on inboxes whose channel carries public comments (the view drops it elsewhere).
    automation_public_replies = forms.BooleanField(
        label=_("Let the bot and the automatic replies answer public comments"),
        required=False,
        help_text=_("Off: they never write where everyone can read it; agents and rules still can."),
    )

    @classmethod
    def initial_for(cls, inbox, survey: str, questions: dict | None = None) -> dict:
        first, first_unit = seconds_as_amount(inbox.first_response_target_seconds)
        later, later_unit = seconds_as_amount(inbox.next_response_target_seconds)
        return {
            "first_response": first,
            "first_response_unit": first_unit,
            "next_response": later,
            "next_response_unit": later_unit,
            "survey": survey,
            "automation_public_replies": bool(inbox.config.get("automation_public_replies")),
            **{f"question_{lang}": (questions or {}).get(lang, "") for lang in QUESTION_LANGUAGES},
        }

    def questions(self) -> dict:
        return {lang: self.cleaned_data.get(f"question_{lang}", "") for lang in QUESTION_LANGUAGES}

    def _seconds(self, amount_field: str, unit_field: str) -> int | None:
        amount = self.cleaned_data.get(amount_field)
        if amount is None:
            return None
        seconds = amount * UNIT_SECONDS[self.cleaned_data.get(unit_field) or "minutes"]
        if seconds > MAX_TARGET_SECONDS:
            self.add_error(amount_field, ValidationError(_("At most one week (168 hours)."), code="too_long"))
        return seconds

    def clean(self):
        cleaned = super().clean()
        cleaned["first_response_seconds"] = self._seconds("first_response", "first_response_unit")
        cleaned["next_response_seconds"] = self._seconds("next_response", "next_response_unit")
        return cleaned
