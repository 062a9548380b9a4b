"""Settings: inboxes. The list with each inbox's health, "Add inbox" per channel (the form,
what to copy into the platform, "Test connection"), editing, members, service levels and the
survey, deactivation. Leads and admins; credentials and deactivation admins only.

Everything channel-specific comes from the channel registry (`setup_form`, `connection_test`,
`setup_copy_values`, `preview_html`): these views never name a channel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from inbox import channel_registry, health, provisioning
from inbox.models import Inbox, Role
from reporting.models import SurveySetting
from reporting.services import survey_setting_set

from ..access import require_admin, require_manager, role_of
from .forms import InboxMembersForm, ServiceLevelsForm

SECTION = "inboxes"
PREVIEW_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # The widget draws itself with a <style> inside its shadow root.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self' ws: wss:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _is_admin(user) -> bool:
    return role_of(user) == Role.ADMIN


def _channel(kind: str) -> channel_registry.Channel:
    if not channel_registry.known(kind):
        raise Http404
    return channel_registry.get(kind)


def _inbox_channel(inbox: Inbox) -> channel_registry.Channel:
    """The inbox's channel as it behaves for it (a demo inbox's simulated platform has no test)."""
    _channel(inbox.kind)
    return channel_registry.for_inbox(inbox)


def _credentials_editable(request, inbox: Inbox) -> bool:
    """Admins type credentials, except on a demo inbox, which never holds any."""
    return _is_admin(request.user) and not inbox.demo


def _form_needs_admin(form_class) -> bool:
    """A channel whose setup asks for credentials is connected by an admin."""
    return bool(getattr(form_class, "credential_fields", ()))


def access_settings_inbox(user, pk) -> Inbox:
    require_manager(user)
    return get_object_or_404(Inbox, pk=pk)


@login_required
def inbox_list(request):
    require_manager(request.user)
    inboxes = health.inboxes_with_health(Inbox.objects.order_by("-is_active", "name"))
    rows = [{"inbox": inbox, "label": _channel_label(inbox.kind)} for inbox in inboxes]
    return render(request, "workspace/inboxes/list.html", {"settings_section": SECTION, "rows": rows})


def _channel_label(kind: str) -> str:
    return str(channel_registry.get(kind).label or kind) if channel_registry.known(kind) else kind


@login_required
def inbox_new(request):
    """Pick the channel of the new inbox."""
    require_manager(request.user)
    is_admin = _is_admin(request.user)
    choices = [
        {"kind": c.kind, "label": c.label or c.kind, "allowed": is_admin or not _form_needs_admin(c.setup_form)}
        for c in channel_registry.channels()
        if c.setup_form is not None
    ]
    return render(request, "workspace/inboxes/new.html", {"settings_section": SECTION, "choices": choices})


@login_required
@require_http_methods(["GET", "POST"])
def inbox_create(request, kind: str):
    require_manager(request.user)
    channel = _channel(kind)
    if channel.setup_form is None:
        raise Http404
    if _form_needs_admin(channel.setup_form):
        require_admin(request.user)
    form = channel.setup_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        inbox = provisioning.inbox_setup_create(kind=kind, setup=form.setup(), actor=request.user)
        messages.success(request, _("Inbox created. Finish the connection below."))
        return redirect("settings-inbox", pk=inbox.pk)
    return render(
        request,
        "workspace/inboxes/create.html",
        {"settings_section": SECTION, "form": form, "kind": kind, "label": channel.label or kind},
    )


@login_required
@require_http_methods(["GET", "POST"])
def inbox_detail(request, pk: int):
    """The inbox's setup page: its form (credentials for admins), what to paste into the
    platform, the handshake's arrival, "Test connection" and the links to the rest."""
    inbox = access_settings_inbox(request.user, pk)
    channel = _inbox_channel(inbox)
    form = None
    if channel.setup_form is not None:
        form = channel.setup_form(
            request.POST or None, inbox=inbox, credentials_editable=_credentials_editable(request, inbox)
        )
        if request.method == "POST" and form.is_valid():
            changes = provisioning.inbox_setup_update(inbox=inbox, setup=form.setup(), actor=request.user)
            messages.success(request, _("Saved.") if changes else _("Nothing changed."))
            return redirect("settings-inbox", pk=inbox.pk)
    elif request.method == "POST":
        raise Http404
    return _detail_page(request, inbox, channel, form=form)


@login_required
@require_POST
def inbox_test(request, pk: int):
    """ "Test connection": the platform's answer for the stored credentials, on the setup page."""
    inbox = access_settings_inbox(request.user, pk)
    channel = _inbox_channel(inbox)
    if channel.connection_test is None:
        raise Http404
    result = provisioning.inbox_connection_test(inbox=inbox)
    editable = _credentials_editable(request, inbox)
    form = channel.setup_form(inbox=inbox, credentials_editable=editable) if channel.setup_form else None
    return _detail_page(request, inbox, channel, form=form, result=result)


def _detail_page(request, inbox, channel, *, form, result=None):
    is_admin = _is_admin(request.user)
    copy_values = channel.setup_copy_values(inbox) if channel.setup_copy_values else []
    inbox = health.inboxes_with_health(Inbox.objects.filter(pk=inbox.pk)).get()
    return render(
        request,
        "workspace/inboxes/detail.html",
        {
            "settings_section": SECTION,
            "inbox": inbox,
            "label": channel.label or inbox.kind,
            "form": form,
            "is_admin": is_admin,
            "copy_values": [value for value in copy_values if is_admin or not value.secret],
            "secrets_hidden": any(value.secret for value in copy_values) and not is_admin,
            # Webhook channels hand out a callback URL; the handshake's arrival is shown for them.
            "has_webhook": any(value.name == "callback_url" for value in copy_values),
            "has_test": channel.connection_test is not None,
            "has_preview": channel.preview_html is not None,
            "result": result,
            "verified_at": health.webhook_verified_at(inbox),
            "unrouted": health.unrouted_entries(channel=inbox.kind).entries,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inbox_members(request, pk: int):
    inbox = access_settings_inbox(request.user, pk)
    form = InboxMembersForm(request.POST or None, initial={"members": list(inbox.members.all())})
    if request.method == "POST" and form.is_valid():
        change = provisioning.inbox_members_set(inbox=inbox, members=form.cleaned_data["members"], actor=request.user)
        messages.success(
            request, _("Members saved.") if change["added"] or change["removed"] else _("Nothing changed.")
        )
        return redirect("settings-inbox-members", pk=inbox.pk)
    return render(
        request, "workspace/inboxes/members.html", {"settings_section": SECTION, "inbox": inbox, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def inbox_service(request, pk: int):
    """Response targets and the survey of one inbox; business hours live with the automation."""
    inbox = access_settings_inbox(request.user, pk)
    setting = SurveySetting.objects.filter(inbox=inbox).first()
    survey = setting.survey if setting else SurveySetting.Survey.OFF
    questions = setting.questions if setting else {}
    form = ServiceLevelsForm(request.POST or None, initial=ServiceLevelsForm.initial_for(inbox, survey, questions))
    has_comments = _channel(inbox.kind).comment_moderate is not None
    if not has_comments:
        del form.fields["automation_public_replies"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        levels = provisioning.inbox_service_levels_set(
            inbox=inbox,
            first_response_seconds=data["first_response_seconds"],
            next_response_seconds=data["next_response_seconds"],
            actor=request.user,
        )
        surveyed = survey_setting_set(
            inbox=inbox, survey=data["survey"], actor=request.user, questions=form.questions()
        )
        public = has_comments and provisioning.inbox_public_replies_set(
            inbox=inbox, allowed=data["automation_public_replies"], actor=request.user
        )
        messages.success(request, _("Saved.") if levels or surveyed or public else _("Nothing changed."))
        return redirect("settings-inbox-service", pk=inbox.pk)
    return render(
        request, "workspace/inboxes/service.html", {"settings_section": SECTION, "inbox": inbox, "form": form}
    )


@login_required
@require_POST
def inbox_active(request, pk: int):
    """Deactivate or reactivate (admins). Never a delete: the conversations are the record."""
    inbox = access_settings_inbox(request.user, pk)
    require_admin(request.user)
    active = request.POST.get("active") == "1"
    if provisioning.inbox_active_set(inbox=inbox, active=active, actor=request.user):
        messages.success(request, _("Inbox reactivated.") if active else _("Inbox deactivated."))
    return redirect("settings-inbox", pk=inbox.pk)


@login_required
def inbox_preview(request, pk: int):
    """The channel working on a page of ours (the chat widget), with the policy it needs."""
    inbox = access_settings_inbox(request.user, pk)
    channel = _channel(inbox.kind)
    if channel.preview_html is None:
        raise Http404
    response = render(
        request, "workspace/inboxes/preview.html", {"inbox": inbox, "preview": channel.preview_html(inbox)}
    )
    response["Content-Security-Policy"] = PREVIEW_POLICY
    return response
