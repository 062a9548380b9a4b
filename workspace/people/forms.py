"""Forms of the agents and teams pages: pickers for inboxes, teams and members."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from inbox.models import Inbox, Role, Team

from ..access import role_of
from ..widgets import Picker


def _user_label(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


class UserChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return _user_label(obj)


class AgentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address (the login)"))
    role = forms.ChoiceField(label=_("Role"))
    inboxes = forms.ModelMultipleChoiceField(
        label=_("Inboxes"), queryset=Inbox.objects.none(), required=False, widget=Picker
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"), queryset=Team.objects.none(), required=False, widget=Picker
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        max_value=200,
        initial=10,
        help_text=_("Most open conversations at once: auto-assignment gives no more than this."),
    )

    def __init__(self, *args, actor, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        roles = (
            Role.choices
            if role_of(actor) == Role.ADMIN
            else [(v, label) for v, label in Role.choices if v != Role.ADMIN]
        )
        self.fields["role"].choices = roles
        self.fields["inboxes"].queryset = Inbox.objects.filter(is_active=True).order_by("name")
        self.fields["teams"].queryset = Team.objects.order_by("name")
        self.fields["language"].choices = [("", _("Browser language")), *settings.LANGUAGES]
        if editing is not None:
            # The login does not change here: a person keeps signing in as they always did.
            del self.fields["email"]


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    members = UserChoices(label=_("Members"), queryset=get_user_model().objects.none(), required=False, widget=Picker)
    inboxes = forms.ModelMultipleChoiceField(
        label=_("Inboxes routed to this team"),
        queryset=Inbox.objects.none(),
        required=False,
        widget=Picker,
        help_text=_("New conversations in these inboxes belong to this team. An inbox routes to one team at most."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("first_name", "username")
        )
        self.fields["inboxes"].queryset = Inbox.objects.filter(is_active=True).order_by("name")
