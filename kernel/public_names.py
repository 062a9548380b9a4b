"""How customers see the people who answer them.

An agent's login name is half of their credentials and often their email address: a customer
(a website visitor, the reader of a GDPR export) sees the agent's first name, else a neutral
label in the active language."""

from django.utils.translation import gettext


def agent_public_name(agent) -> str:
    """The agent's first name, else "Support agent" (translated in the active language)."""
    first_name = (getattr(agent, "first_name", "") or "").strip()
    return first_name or gettext("Support agent")
