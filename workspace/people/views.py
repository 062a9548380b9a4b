"""Agents and teams: the pages. What a change does is in `inbox.people`."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from inbox import people
from inbox.models import AgentProfile, Inbox, Role, Team

from ..access import require_manager, role_of
from .forms import AgentForm, TeamForm


def access_agent(actor, pk: int):
    """The user `actor` may manage: leads do not see admins' pages (only admins manage them)."""
    user = get_object_or_404(get_user_model(), pk=pk)
    if role_of(actor) != Role.ADMIN and people.role_of(user) == Role.ADMIN:
        raise Http404
    return user


@login_required
def agent_list(request):
    require_manager(request.user)
    query = request.GET.get("q", "").strip()
    users = (
        get_user_model()
        .objects.select_related("agent_profile")
        .prefetch_related(Prefetch("inboxes", queryset=Inbox.objects.order_by("name")), "teams")
        .order_by("-is_active", "first_name", "username")
    )
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    context = {
        "settings_section": "agents",
        "agents": users,
        "query": query,
        "is_admin": role_of(request.user) == Role.ADMIN,
    }
    return render(request, "workspace/people/agents.html", context)


def _agent_fields(form) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "role": data["role"],
        "inboxes": data["inboxes"],
        "teams": data["teams"],
        "language": data["language"],
        "capacity": data["capacity"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def agent_invite(request):
    require_manager(request.user)
    form = AgentForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user, link = people.agent_invite(
                actor=request.user, email=form.cleaned_data["email"], **_agent_fields(form)
            )
        except people.PeopleChangeRefused as refusal:
            form.add_error(None, refusal.reason)
        else:
            return _link_page(request, user, link, invited=True)
    return render(request, "workspace/people/agent_form.html", {"settings_section": "agents", "form": form})


def _link_page(request, user, link: str, *, invited: bool):
    # Rendered, not redirected to: the link is not kept anywhere to show it again.
    context = {
        "settings_section": "agents",
        "agent": user,
        "link": link,
        "invited": invited,
        "emailed": people.email_configured() and bool(user.email),
    }
    return render(request, "workspace/people/agent_link.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agent_edit(request, pk: int):
    require_manager(request.user)
    agent = access_agent(request.user, pk)
    profile = AgentProfile.objects.filter(user=agent).first()
    initial = {
        "name": agent.get_full_name(),
        "role": people.role_of(agent),
        "inboxes": list(agent.inboxes.all()),
        "teams": list(agent.teams.all()),
        "language": profile.language if profile else "",
        "capacity": profile.capacity if profile else 10,
    }
    form = AgentForm(request.POST or None, actor=request.user, editing=agent, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            people.agent_update(actor=request.user, user=agent, **_agent_fields(form))
        except people.PeopleChangeRefused as refusal:
            form.add_error(None, refusal.reason)
        else:
            messages.success(request, _("Saved."))
            return redirect("settings-agents")
    context = {"settings_section": "agents", "form": form, "agent": agent}
    return render(request, "workspace/people/agent_form.html", context)


@login_required
@require_POST
def agent_deactivate(request, pk: int):
    require_manager(request.user)
    agent = access_agent(request.user, pk)
    try:
        count = people.agent_deactivate(actor=request.user, user=agent)
    except people.PeopleChangeRefused as refusal:
        messages.error(request, refusal.reason)
    else:
        messages.success(
            request,
            _("{name} can no longer sign in; {count} open conversations are unassigned.").format(
                name=agent.get_full_name() or agent.get_username(), count=count
            ),
        )
    return redirect("settings-agents")


@login_required
@require_POST
def agent_reactivate(request, pk: int):
    require_manager(request.user)
    agent = access_agent(request.user, pk)
    try:
        people.agent_reactivate(actor=request.user, user=agent)
    except people.PeopleChangeRefused as refusal:
        messages.error(request, refusal.reason)
    else:
        messages.success(request, _("{name} can sign in again.").format(name=agent.get_full_name() or agent.username))
    return redirect("settings-agents")


@login_required
@require_POST
def agent_password_link(request, pk: int):
    require_manager(request.user)
    agent = access_agent(request.user, pk)
    try:
        link = people.agent_password_link_make(actor=request.user, user=agent)
    except people.PeopleChangeRefused as refusal:
        messages.error(request, refusal.reason)
        return redirect("settings-agents")
    return _link_page(request, agent, link, invited=False)


@require_http_methods(["GET", "POST"])
def invite_accept(request, uidb64: str, token: str):
    """The invited person (or one with a reset link) chooses a password and is signed in."""
    user = people.password_link_user(uidb64, token)
    if user is None:
        return render(request, "registration/invite_invalid.html", status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        people.agent_password_set(user=user, password=form.cleaned_data["new_password1"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("/")
    return render(request, "registration/invite_accept.html", {"form": form, "invited": user})


# --- Teams --------------------------------------------------------------------------------------


@login_required
def team_list(request):
    require_manager(request.user)
    teams = Team.objects.prefetch_related("members", "inboxes").order_by("name")
    return render(request, "workspace/people/teams.html", {"settings_section": "teams", "teams": teams})


def _team_fields(form) -> dict:
    data = form.cleaned_data
    return {"name": data["name"], "members": data["members"], "inboxes": data["inboxes"]}


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request, pk: int | None = None):
    require_manager(request.user)
    team = get_object_or_404(Team, pk=pk) if pk else None
    initial = (
        {"name": team.name, "members": list(team.members.all()), "inboxes": list(team.inboxes.all())} if team else {}
    )
    form = TeamForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if team is None:
                people.team_create(actor=request.user, **_team_fields(form))
            else:
                people.team_update(actor=request.user, team=team, **_team_fields(form))
        except people.PeopleChangeRefused as refusal:
            form.add_error(None, refusal.reason)
        else:
            messages.success(request, _("Saved."))
            return redirect("settings-teams")
    context = {"settings_section": "teams", "form": form, "team": team}
    return render(request, "workspace/people/team_form.html", context)


@login_required
@require_POST
def team_delete(request, pk: int):
    require_manager(request.user)
    team = get_object_or_404(Team, pk=pk)
    try:
        people.team_delete(actor=request.user, team=team)
    except people.PeopleChangeRefused as refusal:
        messages.error(request, refusal.reason)
    else:
        messages.success(request, _("Team deleted."))
    return redirect("settings-teams")
