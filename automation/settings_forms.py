"""Forms of the leads' automation pages: an inbox's automation and business hours, and rules.

Rules are written one condition or action per line, in words a lead can read back:

    conditions                          actions
    text contains refund                add_tag refund
    text matches ^(order|bestelling)    set_priority urgent
    channel whatsapp                    send_canned returns
    language de                         send_survey csat
    sentiment negative                  add_note Check the order history first
    tag vip
    contact_attribute tier gold
    business_hours outside              hide_comment
    inbox Webshop WhatsApp              reply_privately dm-please
    public yes
    post https://www.instagram.com/p/C0ffee/

and stored as the JSON the rule engine reads (`automation.rules`). Agents and teams are picked
from lists, never typed: the form turns them into `assign_agent` / `assign_team` actions, and
`automation.rule_edits` refuses a rule naming one that does not exist. An inbox is written by
its name and stored by id.
"""

import json
import re
from datetime import date

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inbox import business_hours
from inbox.models import Inbox, Tag, Team
from kernel.time_zones import time_zone_choices

from .models import InboxAutomation, Rule
from .rule_edits import RuleRefused, rule_check, rule_save

CONDITION_FIELDS = (
    "text",
    "channel",
    "inbox",
    "language",
    "sentiment",
    "tag",
    "contact_attribute",
    "business_hours",
    "public",
    "post",
)
ACTION_TYPES = ("add_tag", "set_priority", "send_canned", "send_survey", "add_note", "hide_comment", "reply_privately")
VALUELESS_ACTIONS = ("hide_comment",)
PICKED_ACTIONS = ("assign_team", "assign_agent")  # chosen from lists below the text
INTERVALS = re.compile(r"^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$")


def _error(message, params: dict) -> forms.ValidationError:
    return forms.ValidationError(message, params=params)


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
            if name == "public" and value not in ("yes", "no"):
                raise _error(_("Line %(n)s: public is yes or no."), {"n": number})
            if name == "inbox":
                inbox = Inbox.objects.filter(name__iexact=value).first()
                if inbox is None:
                    raise _error(_("Line %(n)s: there is no inbox named “%(name)s”."), {"n": number, "name": value})
                value = inbox.pk
            conditions.append({"field": name, "value": value})
    return conditions


def actions_parse(text: str) -> list[dict]:
    actions = []
    for number, line in enumerate(text.splitlines(), 1):
        parts = line.strip().split(maxsplit=1)
        if not parts:
            continue
        if parts[0] in PICKED_ACTIONS:
            raise _error(_("Line %(n)s: pick the agent or team from the lists below."), {"n": number})
        if parts[0] not in ACTION_TYPES:
            raise forms.ValidationError(
                _("Line %(n)s: unknown action “%(name)s”."), params={"n": number, "name": parts[0]}
            )
        if parts[0] in VALUELESS_ACTIONS:
            actions.append({"type": parts[0], "value": ""})
            continue
        if len(parts) < 2:
            raise forms.ValidationError(
                _("Line %(n)s: “%(name)s” needs a value."), params={"n": number, "name": parts[0]}
            )
        actions.append({"type": parts[0], "value": parts[1].strip()})
    return actions


def conditions_text(conditions: list) -> str:
    inbox_names = dict(Inbox.objects.values_list("pk", "name"))
    lines = []
    for c in conditions or []:
        if c.get("field") == "text":
            lines.append(f"text {c.get('op', 'contains')} {c.get('value', '')}")
        elif c.get("field") == "contact_attribute":
            lines.append(f"contact_attribute {c.get('key', '')} {c.get('value', '')}")
        elif c.get("field") == "inbox":
            lines.append(f"inbox {inbox_names.get(_as_id(c.get('value')), c.get('value', ''))}")
        else:
            lines.append(f"{c.get('field')} {c.get('value', '')}")
    return "\n".join(lines)


def _as_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def actions_text(actions: list, *, editable: bool = False) -> str:
    """The actions in words; agents and teams by name (`editable`: only the lines the text box
    holds, the picked ones left to their lists)."""
    actions = actions or []
    if editable:
        return "\n".join(
            f"{a.get('type')} {a.get('value', '')}".strip() for a in actions if a.get("type") not in PICKED_ACTIONS
        )
    agents = {u.pk: _person(u) for u in get_user_model().objects.filter(pk__in=_ids(actions, "assign_agent"))}
    teams = dict(Team.objects.filter(pk__in=_ids(actions, "assign_team")).values_list("pk", "name"))
    names = {"assign_agent": agents, "assign_team": teams}
    lines = []
    for a in actions:
        value = a.get("value", "")
        if a.get("type") in names:
            value = names[a["type"]].get(_as_id(value), value)
        lines.append(f"{a.get('type')} {value}".strip())
    return "\n".join(lines)


def _ids(actions: list, kind: str) -> list[int]:
    return [pk for pk in (_as_id(a.get("value")) for a in actions if a.get("type") == kind) if pk]


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


class RuleForm(forms.ModelForm):
    conditions_lines = forms.CharField(
        label=_("If (all of these; one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    actions_lines = forms.CharField(
        label=_("Then (in order; one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    # Plain choices checked by `rule_edits`, not model choices: a stale form naming an agent
    # who has gone gets the rule's own clear refusal, not a generic "not a valid choice".
    assign_team = forms.CharField(label=_("Then assign to team"), required=False, widget=forms.Select)
    assign_agent = forms.CharField(label=_("Then assign to agent"), required=False, widget=forms.Select)

    class Meta:
        model = Rule
        fields = ["name", "trigger", "inbox", "position", "enabled"]
        labels = {
            "name": _("Name"),
            "trigger": _("When"),
            "inbox": _("Inbox (empty: all)"),
            "position": pgettext_lazy("the place of a rule in the list", "Order"),
            "enabled": _("Enabled"),
        }
        help_texts = {"inbox": ""}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agents = get_user_model().objects.filter(is_active=True, agent_profile__isnull=False)
        self.fields["assign_agent"].widget.choices = [
            ("", _("Nobody (no change)")),
            *((str(u.pk), _person(u)) for u in agents.order_by("first_name", "last_name", "username")),
        ]
        tag_names = json.dumps(list(Tag.objects.order_by("name").values_list("name", flat=True)))
        self.fields["conditions_lines"].widget.attrs.update({"data-line-tags": tag_names, "data-line-keyword": "tag"})
        self.fields["actions_lines"].widget.attrs.update({"data-line-tags": tag_names, "data-line-keyword": "add_tag"})
        self.fields["assign_team"].widget.choices = [
            ("", _("No team (no change)")),
            *((str(t.pk), t.name) for t in Team.objects.order_by("name")),
        ]
        if self.instance.pk:
            actions = self.instance.actions or []
            self.fields["conditions_lines"].initial = conditions_text(self.instance.conditions)
            self.fields["actions_lines"].initial = actions_text(actions, editable=True)
            for kind in PICKED_ACTIONS:
                picked = [a.get("value") for a in actions if a.get("type") == kind]
                self.fields[kind].initial = str(picked[0]) if picked else ""

    def clean_conditions_lines(self):
        return conditions_parse(self.cleaned_data.get("conditions_lines") or "")

    def clean_actions_lines(self):
        return actions_parse(self.cleaned_data.get("actions_lines") or "")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        actions = list(cleaned.get("actions_lines") or [])
        for kind in PICKED_ACTIONS:
            value = (cleaned.get(kind) or "").strip()
            if value:
                actions.append({"type": kind, "value": _as_id(value) or value})
        cleaned["actions"] = actions
        try:
            rule_check(conditions=cleaned.get("conditions_lines") or [], actions=actions)
        except RuleRefused as refused:
            raise forms.ValidationError(refused.reason) from None
        return cleaned

    def save(self, commit=True):
        rule = super().save(commit=False)
        rule.conditions = self.cleaned_data["conditions_lines"]
        rule.actions = self.cleaned_data["actions"]
        if commit:
            rule_save(rule=rule)
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
        # Labels a lead reads (the field names would show as "Sla warning percent").
        labels = {
            "away_text_nl": _("Out-of-hours reply in Dutch"),
            "away_text_de": _("Out-of-hours reply in German"),
            "away_text_en": _("Out-of-hours reply in English"),
            "busy_threshold": _("Busy from this many waiting conversations"),
            "busy_text_nl": _("Busy acknowledgement in Dutch"),
            "busy_text_de": _("Busy acknowledgement in German"),
            "busy_text_en": _("Busy acknowledgement in English"),
            "bot_threshold": _("Bot confidence needed to answer"),
            "assignment_mode": _("Automatic assignment"),
            "sla_warning_percent": _("Service-level warning at this percentage of the first-response target"),
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
        self.fields["time_zone"].choices = time_zone_choices(current=inbox.time_zone)
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
