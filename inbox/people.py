"""Agents and teams, managed by leads and admins in the app: invite, change, deactivate,
reactivate, password links; teams with members and the inboxes routed to them.

Rules every caller gets, whatever the form in front of it says:
- only an admin makes, promotes, changes or deactivates an admin;
- nobody deactivates themselves;
- an invited person chooses their own password through a one-time link (Django's password
  reset tokens: the link stops working once the password is set, as the token covers the
  password hash, and after PASSWORD_RESET_TIMEOUT);
- every change is written to the audit log with what it was before and after.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from kernel import realtime
from kernel.refusals import Refused
from kernel.time_zones import valid_time_zone

from .availability import agent_availability_set
from .events import event_record
from .models import (
    AgentProfile,
    Availability,
    AvailabilityReason,
    Conversation,
    ConversationStatus,
    EventKind,
    Inbox,
    Role,
    Team,
)

logger = logging.getLogger(__name__)

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Conversations an agent still works on: these lose their assignee when the agent leaves.
UNFINISHED = (ConversationStatus.OPEN, ConversationStatus.PENDING, ConversationStatus.SNOOZED)


class PeopleChangeRefused(Refused):
    code = "people_refused"


def role_of(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return ""
    if user.is_superuser:
        return Role.ADMIN
    profile = AgentProfile.objects.filter(user=user).first()
    return profile.role if profile else Role.AGENT


def _require_may_manage(actor, *, role: str, target=None) -> None:
    if role not in Role.values:
        raise PeopleChangeRefused(_("Unknown role '{role}'."), code="role_unknown", role=role)
    actor_role = role_of(actor)
    if actor_role not in (Role.LEAD, Role.ADMIN):
        raise PeopleChangeRefused(_("Only team leads and admins manage agents."), code="not_a_manager")
    if actor_role != Role.ADMIN and (role == Role.ADMIN or (target is not None and role_of(target) == Role.ADMIN)):
        raise PeopleChangeRefused(_("Only an admin can make or change an admin."), code="admin_only")


def agent_snapshot(user) -> dict:
    """What the audit log shows of an agent before and after a change (no secrets)."""
    profile = AgentProfile.objects.filter(user=user).first()
    return {
        "name": user.get_full_name(),
        "email": user.email,
        "role": role_of(user),
        "inboxes": sorted(user.inboxes.values_list("name", flat=True)),
        "teams": sorted(user.teams.values_list("name", flat=True)),
        "language": profile.language if profile else "",
        "time_zone": profile.time_zone if profile else "",
        "capacity": profile.capacity if profile else None,
        "active": user.is_active,
    }


def _apply(user, *, name: str, role: str, inboxes, teams, language: str, capacity: int) -> None:
    first, _sep, last = name.strip().partition(" ")
    user.first_name, user.last_name = first[:150], last.strip()[:150]
    user.is_staff = role in (Role.LEAD, Role.ADMIN)
    user.is_superuser = role == Role.ADMIN
    user.save()
    language = language if language in dict(settings.LANGUAGES) else ""
    AgentProfile.objects.update_or_create(
        user=user, defaults={"role": role, "language": language, "capacity": capacity}
    )
    user.inboxes.set(inboxes)
    user.teams.set(teams)


def agent_invite(
    *, actor, name: str, email: str, role: str, inboxes=(), teams=(), language: str = "", capacity: int = 10
) -> tuple[object, str]:
    """Make an account for `email` that cannot sign in until its owner sets a password through
    the link returned (and e-mailed, when e-mail is set up). The e-mail address is the login."""
    _require_may_manage(actor, role=role)
    email = get_user_model().objects.normalize_email(email.strip()).lower()
    if not email:
        raise PeopleChangeRefused(_("Enter the agent's e-mail address."), code="email_missing")
    User = get_user_model()
    if User.objects.filter(username__iexact=email).exists() or User.objects.filter(email__iexact=email).exists():
        raise PeopleChangeRefused(_("There already is an account for {email}."), code="email_taken", email=email)
    with transaction.atomic():
        user = User(username=email, email=email)
        user.set_unusable_password()
        _apply(user, name=name, role=role, inboxes=inboxes, teams=teams, language=language, capacity=capacity)
        audit_record(
            actor=actor, action=AuditAction.AGENT_INVITED, target=user, label=email, after=agent_snapshot(user)
        )
    link = password_link(user)
    _email_link(user, link, invited=True)
    return user, link


def agent_update(
    *, actor, user, name: str, role: str, inboxes=(), teams=(), language: str = "", capacity: int = 10
) -> object:
    _require_may_manage(actor, role=role, target=user)
    if user.pk == actor.pk and role != role_of(actor):
        raise PeopleChangeRefused(_("You cannot change your own role."), code="own_role")
    with transaction.atomic():
        before = agent_snapshot(user)
        _apply(user, name=name, role=role, inboxes=inboxes, teams=teams, language=language, capacity=capacity)
        after = agent_snapshot(user)
        if after != before:
            action = AuditAction.AGENT_ROLE_CHANGED if after["role"] != before["role"] else AuditAction.AGENT_UPDATED
            audit_record(actor=actor, action=action, target=user, label=user.get_username(), before=before, after=after)
    return user


def agent_deactivate(*, actor, user) -> int:
    """The agent can no longer sign in or use their API tokens; the conversations they still
    had are unassigned (each with an event, so the history says why) for others to pick up.
    Returns how many conversations were unassigned."""
    _require_may_manage(actor, role=role_of(user), target=user)
    if user.pk == actor.pk:
        raise PeopleChangeRefused(_("You cannot deactivate yourself."), code="deactivate_self")
    with transaction.atomic():
        before = agent_snapshot(user)
        get_user_model().objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        unassigned = conversations_unassign_from(agent=user, actor=actor)
        # Nobody may see, assign to or name an agent who can no longer sign in.
        agent_availability_set(user_id=user.pk, availability=Availability.OFFLINE, reason=AvailabilityReason.LEAD)
        audit_record(
            actor=actor,
            action=AuditAction.AGENT_DEACTIVATED,
            target=user,
            label=user.get_username(),
            before=before,
            after=agent_snapshot(user),
            unassigned_conversations=unassigned,
        )
    return unassigned


def agent_reactivate(*, actor, user) -> object:
    _require_may_manage(actor, role=role_of(user), target=user)
    with transaction.atomic():
        before = agent_snapshot(user)
        get_user_model().objects.filter(pk=user.pk).update(is_active=True)
        user.is_active = True
        audit_record(
            actor=actor,
            action=AuditAction.AGENT_REACTIVATED,
            target=user,
            label=user.get_username(),
            before=before,
            after=agent_snapshot(user),
        )
    return user


def conversations_unassign_from(*, agent, actor) -> int:
    """Unassign the agent's unfinished conversations; resolved and closed ones keep their
    assignee (history). Call inside a transaction."""
    count = 0
    ids = list(
        Conversation.objects.filter(assignee=agent, status__in=UNFINISHED).order_by("pk").values_list("pk", flat=True)
    )
    for conversation in Conversation.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        event_record(
            conversation=conversation,
            kind=EventKind.ASSIGNED,
            actor=actor,
            data={"from": agent.pk, "to": None, "reason": "agent_deactivated"},
        )
        conversation.assignee = None
        conversation.version += 1
        conversation.save(update_fields=["assignee", "version", "updated_at"])
        realtime.conversation_publish(
            inbox_id=conversation.inbox_id,
            conversation_id=conversation.pk,
            event="conversation_updated",
            version=conversation.version,
        )
        count += 1
    return count


def agent_password_link_make(*, actor, user) -> str:
    """A one-time link to (re)set the agent's password, e-mailed when e-mail is set up."""
    _require_may_manage(actor, role=role_of(user), target=user)
    if not user.is_active:
        raise PeopleChangeRefused(_("Reactivate the agent first."), code="agent_inactive")
    audit_record(actor=actor, action=AuditAction.AGENT_PASSWORD_LINK, target=user, label=user.get_username())
    link = password_link(user)
    _email_link(user, link, invited=False)
    return link


def password_link(user) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"{settings.PUBLIC_URL}/accounts/invite/{uidb64}/{token}/"


def password_link_user(uidb64: str, token: str):
    """The active user the link was made for, while it is still valid; otherwise None."""
    User = get_user_model()
    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    if not user.is_active or not default_token_generator.check_token(user, token):
        return None
    return user


def agent_password_set(*, user, password: str) -> object:
    """The person chose their password through their link (validated by the caller's form)."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action=AuditAction.AGENT_PASSWORD_SET, target=user, label=user.get_username())
    return user


def email_configured() -> bool:
    """E-mail counts as set up when a host is configured (or, in tests and development, a
    backend other than SMTP is chosen); otherwise the link is only shown to the lead."""
    return settings.EMAIL_BACKEND != SMTP_BACKEND or bool(getattr(settings, "WEBCARE_EMAIL_CONFIGURED", False))


def _email_link(user, link: str, *, invited: bool) -> None:
    if not email_configured() or not user.email:
        return
    profile = AgentProfile.objects.filter(user=user).first()

    def send() -> None:
        with translation.override((profile.language if profile else "") or settings.LANGUAGE_CODE):
            if invited:
                subject = gettext("You are invited to Webcare")
                body = gettext("Choose your password and sign in with this link (it works once):\n\n{link}")
            else:
                subject = gettext("Set a new Webcare password")
                body = gettext("Choose a new password with this link (it works once):\n\n{link}")
            try:
                send_mail(subject, body.format(link=link), None, [user.email])
            except Exception:  # the lead has the link on screen; a mail server's mood must not undo the invite
                logger.exception("could not e-mail the password link to user %s", user.pk)

    # After commit: no network call inside a transaction, and no mail for a rolled-back invite.
    transaction.on_commit(send)


def profile_update(*, user, name: str, language: str, time_zone: str = "") -> object:
    """A person changes their own name, language and time zone (empty: the site's)."""
    with transaction.atomic():
        before = agent_snapshot(user)
        first, _sep, last = name.strip().partition(" ")
        user.first_name, user.last_name = first[:150], last.strip()[:150]
        user.save(update_fields=["first_name", "last_name"])
        language = language if language in dict(settings.LANGUAGES) else ""
        time_zone = time_zone if valid_time_zone(time_zone) else ""
        AgentProfile.objects.update_or_create(user=user, defaults={"language": language, "time_zone": time_zone})
        after = agent_snapshot(user)
        if after != before:
            audit_record(
                actor=user,
                action=AuditAction.AGENT_UPDATED,
                target=user,
                label=user.get_username(),
                before=before,
                after=after,
            )
    return user


# --- Teams --------------------------------------------------------------------------------------


def team_snapshot(team: Team) -> dict:
    return {
        "name": team.name,
        "members": sorted(team.members.values_list("username", flat=True)),
        "inboxes": sorted(team.inboxes.values_list("name", flat=True)),
    }


def _team_name_free(name: str, *, team: Team | None = None) -> str:
    name = name.strip()
    if not name:
        raise PeopleChangeRefused(_("Give the team a name."), code="team_name_missing")
    taken = Team.objects.filter(name__iexact=name)
    if team is not None:
        taken = taken.exclude(pk=team.pk)
    if taken.exists():
        raise PeopleChangeRefused(_("There already is a team called {name}."), code="team_name_taken", name=name)
    return name


def _route_inboxes(team: Team, inboxes) -> None:
    """The inboxes given route to this team; inboxes that did and are no longer given route
    to no team."""
    wanted = {inbox.pk for inbox in inboxes}
    Inbox.objects.filter(team=team).exclude(pk__in=wanted).update(team=None)
    Inbox.objects.filter(pk__in=wanted).update(team=team)


def team_create(*, actor, name: str, members=(), inboxes=()) -> Team:
    _require_may_manage(actor, role=Role.AGENT)
    with transaction.atomic():
        team = Team.objects.create(name=_team_name_free(name))
        team.members.set(members)
        _route_inboxes(team, inboxes)
        audit_record(actor=actor, action=AuditAction.TEAM_CREATED, target=team, after=team_snapshot(team))
    return team


def team_update(*, actor, team: Team, name: str, members=(), inboxes=()) -> Team:
    _require_may_manage(actor, role=Role.AGENT)
    with transaction.atomic():
        before = team_snapshot(team)
        team.name = _team_name_free(name, team=team)
        team.save()
        team.members.set(members)
        _route_inboxes(team, inboxes)
        after = team_snapshot(team)
        if after != before:
            audit_record(actor=actor, action=AuditAction.TEAM_UPDATED, target=team, before=before, after=after)
    return team


def team_in_use(team: Team) -> bool:
    """A team that conversations or inboxes point at stays: deleting it would rewrite history
    and routing."""
    return team.conversations.exists() or team.inboxes.exists()


def team_delete(*, actor, team: Team) -> None:
    _require_may_manage(actor, role=Role.AGENT)
    with transaction.atomic():
        if team_in_use(team):
            raise PeopleChangeRefused(
                _("The team {name} has conversations or inboxes, so it stays. Route its inboxes elsewhere first."),
                code="team_in_use",
                name=team.name,
            )
        before = team_snapshot(team)
        audit_record(actor=actor, action=AuditAction.TEAM_DELETED, target=team, before=before)
        team.delete()
