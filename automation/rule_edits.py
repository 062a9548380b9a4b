"""Saving a lead's rule: what it names (agents, teams, inboxes) must exist when it is saved.

The rule engine also fails a run whose agent or team has gone since (logged on the
conversation); this is the check at the door, so a rule written through a stale form or by a
program never names someone who is not there.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from inbox.models import Inbox, Team
from kernel.refusals import Refused

from .models import Rule


class RuleRefused(Refused):
    code = "rule_refused"


def _as_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def rule_check(*, conditions: list, actions: list) -> None:
    """Raise RuleRefused (a reason for the lead) when an action or condition names an agent,
    team or inbox that does not exist (or an agent who can no longer sign in)."""
    if not actions:
        raise RuleRefused(_("A rule needs at least one action."), code="rule_no_action")
    for action in actions:
        kind, value = action.get("type"), action.get("value")
        if kind == "assign_agent":
            agent_id = _as_id(value)
            exists = agent_id and get_user_model().objects.filter(pk=agent_id, is_active=True).exists()
            if not exists:
                raise RuleRefused(
                    _(
                        "The agent this rule assigns to ({value}) does not exist or can no longer sign in."
                        " Pick one from the list."
                    ),
                    code="rule_agent_unknown",
                    value=value,
                )
        elif kind == "assign_team":
            team_id = _as_id(value)
            if not (team_id and Team.objects.filter(pk=team_id).exists()):
                raise RuleRefused(
                    _("The team this rule assigns to ({value}) does not exist. Pick one from the list."),
                    code="rule_team_unknown",
                    value=value,
                )
    for condition in conditions:
        if condition.get("field") == "inbox":
            inbox_id = _as_id(condition.get("value"))
            if not (inbox_id and Inbox.objects.filter(pk=inbox_id).exists()):
                raise RuleRefused(
                    _("The inbox this rule is about ({value}) does not exist."),
                    code="rule_inbox_unknown",
                    value=condition.get("value"),
                )


def rule_save(*, rule: Rule) -> Rule:
    """Check what the rule names, then save it (RuleRefused: nothing saved)."""
    with transaction.atomic():
        rule_check(conditions=rule.conditions, actions=rule.actions)
        rule.save()
    return rule


def rules_tag_rename(*, old: str, new: str) -> int:
    """Rules name conversation tags by name (`tag vip`, `add_tag vip`): a lead's rename or merge
    of a tag carries over to them. Returns how many rules changed."""
    changed = 0
    with transaction.atomic():
        for rule in Rule.objects.select_for_update():
            conditions = [
                {**c, "value": new} if c.get("field") == "tag" and str(c.get("value", "")).lower() == old else c
                for c in rule.conditions or []
            ]
            actions = [
                {**a, "value": new} if a.get("type") == "add_tag" and str(a.get("value", "")).lower() == old else a
                for a in rule.actions or []
            ]
            if conditions != rule.conditions or actions != rule.actions:
                rule.conditions, rule.actions = conditions, actions
                rule.save(update_fields=["conditions", "actions", "updated_at"])
                changed += 1
    return changed
