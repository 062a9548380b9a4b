"""Who may use the settings: leads and admins; some areas admins only. Anyone else gets 404,
as for anything they may not see."""

from django.http import Http404

from inbox.models import Role

MANAGERS = (Role.LEAD, Role.ADMIN)


def role_of(user) -> str:
    if not user.is_authenticated or not user.is_active:
        return ""
    if user.is_superuser:
        return Role.ADMIN
    profile = getattr(user, "agent_profile", None)
    return profile.role if profile is not None else ""


def require_manager(user) -> None:
    """Leads and admins only."""
    if role_of(user) not in MANAGERS:
        raise Http404


def require_admin(user) -> None:
    """Admins only (channel credentials, creating admins)."""
    if role_of(user) != Role.ADMIN:
        raise Http404
