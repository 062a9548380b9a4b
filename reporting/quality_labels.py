"""The skills of a quality review as people read them (hard skills first)."""

from django.utils.translation import gettext_lazy as _

SKILL_LABELS = {
    "knowledge": _("Knowledge"),
    "goal_reached": _("Goal reached"),
    "tone_of_voice": _("Tone of voice"),
    "analysis": _("Analysis"),
    "empathy": _("Empathy and humour"),
}
