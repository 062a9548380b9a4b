"""Forms of the leads' automation pages: an inbox's automation and business hours, and rules.

Rules are written one condition or action per line, in words a lead can read back:

    conditions                          actions
    text contains refund                add_tag refund
    text matches ^(order|bestelling)    assign_team Returns
    channel whatsapp                    set_priority urgent
    language de                         send_canned returns
    sentiment negative                  send_survey csat
    tag vip                             add_note Check the order history first
    contact_attribute tier gold         assign_agent anna
    business_hours outside
    inbox Website chat

Teams, agents and inboxes are named (team name, username or e-mail address, inbox name), never
numbered; they are stored as the ids the rule engine reads (`automation.rules`) and shown by
name again, so a rename shows up in the rule and a deleted one reads as "(deleted)".
"""

import re
from datetime import date
from zoneinfo import available_timezones

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inbox import business_hours
from inbox.models import Inbox, Team

from .models import InboxAutomation, Rule

CONDITION_FIELDS = ("text", "channel", "inbox", "language", "sentiment", "tag", "contact_attribute", "business_hours")
ACTION_TYPES = ("add_tag", "assign_team", "assign_agent", "set_priority", "send_canned", "send_survey", "add_note")
INTERVALS = re.compile(r"^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$")


def _error(message, params: dict) -> forms.ValidationError:
    return forms.ValidationError(message, params=params)


def _named(kind: str, name: str, number: int) -> int:
    """The id of the team, active agent or inbox a lead named on line `number`."""
    name = name.strip()
    if kind == "team":
        found = Team.objects.filter(name__iexact=name)
        message = _("Line %(n)s: there is no team “%(name)s”.")
    elif kind == "agent":
        found = get_user_model().objects.filter(Q(username__iexact=name) | Q(email__iexact=name), is_active=True)
        message = _("Line %(n)s: there is no active agent with username or e-mail “%(name)s”.")
    else:
        found = Inbox.objects.filter(name__iexact=name)
        message = _("Line %(n)s: there is no inbox “%(name)s”.")
    ids = list(found.values_list("pk", flat=True)[:2])
    if len(ids) != 1:
        if ids:
            message = _("Line %(n)s: more than one matches “%(name)s”; rename one of them.")
        raise _error(message, {"n": number, "name": name})
    return ids[0]


def _name_of(kind: str, value) -> str:
    if kind == "team":
        name = Team.objects.filter(pk=value).values_list("name", flat=True).first()
    elif kind == "agent":
        name = get_user_model().objects.filter(pk=value).values_list("username", flat=True).first()
    else:
        name = Inbox.objects.filter(pk=value).values_list("name", flat=True).first()
    return name or str(_("(deleted)"))


NAMED_ACTIONS = {"assign_team": "team", "assign_agent": "agent"}


def conditions_parse(text: str) -> list[dict]:
    conditions = []
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split(maxsplit=2)
        if not words:
            continue
        name = words[0]
        if name not in CONDITION_FIELDS:
            raise forms.ValidationError(
                _("Line %(n)s: unknown condition “%(name)s”."), params={"n": number, "name": name}
            )
        if name == "text":
            if len(words) < 3 or words[1] not in ("contains", "matches"):
                raise forms.ValidationError(
                    _("Line %(n)s: write “text contains …” or “text matches …”."), params={"n": number}
                )
            if words[1] == "matches":
                try:
                    re.compile(words[2])
                except re.error:
                    raise forms.ValidationError(
                        _("Line %(n)s: the pattern is not valid."), params={"n": number}
                    ) from None
            conditions.append({"field": "text", "op": words[1], "value": words[2]})
        elif name == "contact_attribute":
            if len(words) < 3:
                raise _error(_("Line %(n)s: write “contact_attribute key value”."), {"n": number})
            conditions.append({"field": name, "key": words[1], "value": words[2]})
        else:
            value = line.split(maxsplit=1)[1].strip() if len(words) > 1 else ""
            if not value:
                raise forms.ValidationError(
                    _("Line %(n)s: “%(name)s” needs a value."), params={"n": number, "name": name}
                )
            if name == "business_hours" and value not in ("inside", "outside"):
                raise _error(_("Line %(n)s: business_hours is inside or outside."), {"n": number})
            if name == "inbox":
                value = _named("inbox", value, number)
            conditions.append({"field": name, "value": value})
    return conditions


def actions_parse(text: str) -> list[dict]:
    actions = []
    for number, line in enumerate(text.splitlines(), 1):
        parts = line.strip().split(maxsplit=1)
        if not parts:
            continue
        if parts[0] not in ACTION_TYPES:
            raise forms.ValidationError(
                _("Line %(n)s: unknown action “%(name)s”."), params={"n": number, "name": parts[0]}
            )
        if len(parts) < 2:
            raise forms.ValidationError(
                _("Line %(n)s: “%(name)s” needs a value."), params={"n": number, "name": parts[0]}
            )
        value = parts[1].strip()
        if parts[0] in NAMED_ACTIONS:
            value = _named(NAMED_ACTIONS[parts[0]], value, number)
        actions.append({"type": parts[0], "value": value})
    return actions


def conditions_text(conditions: list) -> str:
    lines = []
    for c in conditions or []:
        if c.get("field") == "text":
            lines.append(f"text {c.get('op', 'contains')} {c.get('value', '')}")
        elif c.get("field") == "contact_attribute":
            lines.append(f"contact_attribute {c.get('key', '')} {c.get('value', '')}")
        elif c.get("field") == "inbox":
            lines.append(f"inbox {_name_of('inbox', c.get('value'))}")
        else:
            lines.append(f"{c.get('field')} {c.get('value', '')}")
    return "\n".join(lines)


def actions_text(actions: list) -> str:
    def value(action: dict) -> str:
        kind = NAMED_ACTIONS.get(action.get("type"))
        return _name_of(kind, action.get("value")) if kind else str(action.get("value", ""))

    return "\n".join(f"{a.get('type')} {value(a)}" for a in actions or [])


class RuleForm(forms.ModelForm):
    conditions_lines = forms.CharField(
        label=_("If (all of these; one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    actions_lines = forms.CharField(
        label=_("Then (in order; one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    class Meta:
        model = Rule
        fields = ["name", "trigger", "inbox", "position", "enabled"]
        labels = {
            "name": _("Name"),
            "trigger": _("When"),
            "inbox": _("Inbox (empty: all)"),
            "position": _("Order"),
            "enabled": _("Enabled"),
        }
        help_texts = {"inbox": ""}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["conditions_lines"].initial = conditions_text(self.instance.conditions)
            self.fields["actions_lines"].initial = actions_text(self.instance.actions)

    def clean_conditions_lines(self):
        return conditions_parse(self.cleaned_data.get("conditions_lines") or "")

    def clean_actions_lines(self):
        actions = actions_parse(self.cleaned_data.get("actions_lines") or "")
        if not actions:
            raise forms.ValidationError(_("A rule needs at least one action."))
        return actions

    def save(self, commit=True):
        rule = super().save(commit=False)
        rule.conditions = self.cleaned_data["conditions_lines"]
        rule.actions = self.cleaned_data["actions_lines"]
        if commit:
            rule.save()
        return rule


class InboxAutomationForm(forms.ModelForm):
    class Meta:
        model = InboxAutomation
        fields = [
            "away_enabled",
            "away_text_nl",
            "away_text_de",
            "away_text_en",
            "busy_enabled",
            "busy_threshold",
            "busy_text_nl",
            "busy_text_de",
            "busy_text_en",
            "bot_enabled",
            "bot_threshold",
            "assignment_mode",
            "sla_warning_percent",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in ("away_text_nl", "away_text_de", "away_text_en", "busy_text_nl", "busy_text_de", "busy_text_en")
        }


DAY_LABELS = {
    "mon": _("Monday"),
    "tue": _("Tuesday"),
    "wed": _("Wednesday"),
    "thu": _("Thursday"),
    "fri": _("Friday"),
    "sat": _("Saturday"),
    "sun": _("Sunday"),
}


def _intervals_parse(text: str, *, label) -> list[list[str]]:
    intervals = []
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        found = INTERVALS.match(part)
        start = business_hours.parse_clock(found.group(1)) if found else None
        end = business_hours.parse_clock(found.group(2)) if found else None
        if start is None or end is None or start >= end:
            raise forms.ValidationError(
                _("%(day)s: write times like 09:00-17:30, separated by commas."), params={"day": label}
            )
        intervals.append([found.group(1), found.group(2)])
    return intervals


class BusinessHoursForm(forms.Form):
    """The weekly schedule as one line per day ("09:00-12:00, 13:00-17:30"; empty: closed),
    holidays one date per line, exceptions one "date times" per line ("2026-12-24 09:00-13:00",
    or a date alone: closed)."""

    time_zone = forms.ChoiceField(label=_("Time zone"))
    holidays = forms.CharField(
        label=_("Holidays (one date per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    exceptions = forms.CharField(
        label=_("Other hours on a date (e.g. 2026-12-24 09:00-13:00)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, inbox, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [(z, z) for z in sorted(available_timezones())]
        schedule = inbox.business_hours or {}
        for day, label in DAY_LABELS.items():
            self.fields[day] = forms.CharField(label=label, required=False)
            self.fields[day].initial = ", ".join(f"{a}-{b}" for a, b in schedule.get(day) or [])
        self.fields["time_zone"].initial = inbox.time_zone
        self.fields["holidays"].initial = "\n".join(schedule.get("holidays") or [])
        self.fields["exceptions"].initial = "\n".join(
            f"{day} {', '.join(f'{a}-{b}' for a, b in hours)}".strip()
            for day, hours in (schedule.get("exceptions") or {}).items()
        )

    def clean(self):
        data = super().clean()
        schedule = {}
        for day, label in DAY_LABELS.items():
            schedule[day] = _intervals_parse(data.get(day, ""), label=label)
        holidays = []
        for line in filter(None, (line.strip() for line in (data.get("holidays") or "").splitlines())):
            holidays.append(_date(line))
        exceptions = {}
        for line in filter(None, (line.strip() for line in (data.get("exceptions") or "").splitlines())):
            day, _sep, hours = line.partition(" ")
            exceptions[_date(day)] = _intervals_parse(hours, label=day)
        if holidays:
            schedule["holidays"] = holidays
        if exceptions:
            schedule["exceptions"] = exceptions
        if not any(schedule[day] for day in DAY_LABELS):
            # no hours on any day: no weekly schedule at all, which the engine reads as always open
            schedule = {key: value for key, value in schedule.items() if key not in DAY_LABELS} or {}
        data["schedule"] = schedule
        return data


def _date(text: str) -> str:
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise _error(_("“%(text)s” is not a date (YYYY-MM-DD)."), {"text": text}) from None
