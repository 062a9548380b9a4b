"""The CRM in the browser: contact list, contact page, the inbox's contact panel, edit in
place, tags, notes, merge and its undo, merge suggestions. Views parse input, fetch through
`inbox.access` / `crm.selectors`, call one service, render. Who sees what: `crm.selectors`."""

from urllib.parse import parse_qs, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm import merging, services
from crm.models import AttributeDefinition, Contact, ContactMerge, ContactTag
from crm.tags import ContactTagRefused
from inbox import access, outreach, replies
from inbox.tag_picker import tag_picker
from kernel.channel_kinds import kind_choices

from . import selectors

FIELD_LABELS = {"name": "Name", "phone": "Phone", "email": "Email", "locale": "Language"}


@login_required
@require_GET
def contact_list(request):
    filters = selectors.ContactFilters.from_query(request.GET)
    context = {
        "filters": filters,
        **selectors.contact_page(user=request.user, filters=filters),
        "channels": kind_choices(),
        "tags": ContactTag.objects.order_by("name"),
        "suggestion_count": len(selectors.pending_suggestions(user=request.user)),
        "may_manage": access.sees_everything(request.user),
    }
    template = "crm/_contact_rows.html" if request.headers.get("HX-Request") else "crm/contacts.html"
    return render(request, template, context)


@login_required
@require_POST
def contacts_bulk_tag(request):
    ids = [pk for pk in map(access.row_id, request.POST.getlist("contact")) if pk is not None]
    visible = list(access.visible_contacts(request.user).filter(pk__in=ids).values_list("pk", flat=True))
    try:
        tagged = services.contacts_tag(
            contact_ids=visible, name=request.POST.get("tag", ""), may_create=access.sees_everything(request.user)
        )
    except ContactTagRefused as refused:
        messages.error(request, refused.reason)
    else:
        messages.success(request, _("Tagged %(count)d contacts.") % {"count": tagged})
    return redirect(reverse("contact-list") + "?" + request.POST.get("query", ""))


def _contact_context(request, contact: Contact) -> dict:
    definitions = list(AttributeDefinition.objects.all())
    return {
        "contact": contact,
        "fields": [_field(contact, name) for name in FIELD_LABELS],
        "attributes": [_attribute_field(contact, d) for d in definitions],
        "phones": list(contact.phones.order_by("id")),
        "emails": list(contact.emails.order_by("id")),
        "identities": list(contact.identities.order_by("channel", "id")),
        "tag_picker": tag_picker(
            name="tags",
            chosen=contact.tags.order_by("name"),
            available=ContactTag.objects.order_by("name"),
            may_create=access.sees_everything(request.user),
            label=_("Tags"),
            testid="contact-tags",
        ),
        "notes": list(contact.agent_notes.select_related("author").order_by("-created_at")),
        "suggestions": selectors.pending_suggestions(user=request.user, contact=contact),
        "may_manage": access.sees_everything(request.user),
    }


def _field(contact: Contact, name: str, *, editing: bool = False, error: str = "", value=None) -> dict:
    shown = getattr(contact, name)
    if name == "phone" and not shown and contact.phone_raw:
        shown = contact.phone_raw
    return {
        "name": name,
        "slug": name,
        "label": _(FIELD_LABELS[name]),
        "value": shown if value is None else value,
        "kind": "email" if name == "email" else "text",
        "editing": editing,
        "error": error,
        "contact": contact,
    }


def _attribute_field(contact, definition, *, editing=False, error="", value=None) -> dict:
    return {
        "name": f"attr:{definition.key}",
        "slug": f"attr-{definition.key}",
        "label": definition.label,
        "value": contact.attributes.get(definition.key, "") if value is None else value,
        "kind": definition.kind,
        "choices": definition.choices,
        "editing": editing,
        "error": error,
        "contact": contact,
    }


@login_required
@require_GET
def contact_detail(request, pk: int):
    contact = access.access_contact_or_survivor(request.user, pk)
    if contact.pk != int(pk):
        return redirect("contact-detail", contact.pk)
    context = _contact_context(request, contact)
    context["timeline"] = selectors.contact_timeline(user=request.user, contact=contact)
    context["merges"] = [(m, merging.merge_undoable(m)) for m in selectors.contact_merges(contact=contact)]
    context["channels"] = kind_choices()
    context["start_options"] = outreach.start_options(user=request.user, contact=contact)
    return render(request, "crm/contact.html", context)


@login_required
@require_POST
def contact_start(request, pk: int):
    """Write to the customer first, from their page, on one of the agent's inboxes; then open
    the conversation in the inbox."""
    contact = access.access_contact_or_survivor(request.user, pk)
    inbox = access.access_inbox(request.user, request.POST.get("inbox", ""))
    template = None
    if request.POST.get("template"):
        name, _sep, language = request.POST["template"].partition("|")
        template = (name, language)
    try:
        conversation = outreach.conversation_start(
            agent=request.user,
            contact=contact,
            inbox=inbox,
            text=request.POST.get("text", "")[:4096],
            template=template,
            parameters=[value[:1024] for value in request.POST.getlist("parameter")][:20],
            fields={
                key[len("channel_") :]: value[:2000]
                for key, value in request.POST.items()
                if key.startswith("channel_")
            },
        )
    except (outreach.ConversationStartRefused, replies.ReplyRefused) as refused:
        messages.error(request, refused.reason)
        return redirect(reverse("contact-detail", args=[contact.pk]) + "#start")
    return redirect(f"/?c={conversation.pk}")


@login_required
@require_GET
def contact_panel(request, pk: int, *, tags_error: str = ""):
    """The contact column of the inbox's conversation pane (loaded with hx-get)."""
    contact = access.access_contact_or_survivor(request.user, pk)
    context = {**_contact_context(request, contact), "tags_error": tags_error}
    current = parse_qs(urlsplit(request.headers.get("HX-Current-URL", "")).query).get("c", [""])[0]
    context["conversations"] = list(selectors.contact_conversations(user=request.user, contact=contact)[:20])
    context["current_conversation"] = access.row_id(current)
    # Named as the conversation beside it names the customer (it may know the page they wrote from).
    beside = next((c for c in context["conversations"] if c.pk == context["current_conversation"]), None)
    if beside is not None:
        beside.contact = contact
    context["customer_name"] = beside.customer_name if beside is not None else contact.display_name
    return render(request, "crm/_panel.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contact_field(request, pk: int):
    """Edit in place: GET ?field=X gives the field's form, POST saves and gives it back shown."""
    contact = access.access_contact_or_survivor(request.user, pk)
    name = (request.POST if request.method == "POST" else request.GET).get("field", "")
    make = _field_maker(name)
    if request.method == "GET":
        return render(request, "crm/_field.html", {"field": make(contact, editing="cancel" not in request.GET)})
    value = request.POST.get("value", "")
    try:
        contact = services.contact_update(contact=contact, field=name, value=value, actor=request.user)
    except ValidationError as invalid:
        return render(
            request, "crm/_field.html", {"field": make(contact, editing=True, error=invalid.messages[0], value=value)}
        )
    return render(request, "crm/_field.html", {"field": make(contact)})


def _field_maker(name: str):
    if name in FIELD_LABELS:
        return lambda contact, **kw: _field(contact, name, **kw)
    if name.startswith("attr:"):
        definition = AttributeDefinition.objects.filter(key=name[5:]).first()
        if definition is not None:
            return lambda contact, **kw: _attribute_field(contact, definition, **kw)
    raise Http404


@login_required
@require_POST
def contact_tags(request, pk: int):
    contact = access.access_contact_or_survivor(request.user, pk)
    try:
        services.contact_tags_set(
            contact=contact,
            names=request.POST.get("tags", "").split(","),
            may_create=access.sees_everything(request.user),
        )
    except ContactTagRefused as refused:
        if request.POST.get("panel"):
            return contact_panel(_as_get(request), contact.pk, tags_error=refused.reason)
        messages.error(request, refused.reason)
    return _back(request, contact)


@login_required
@require_POST
def contact_note(request, pk: int):
    contact = access.access_contact_or_survivor(request.user, pk)
    try:
        services.contact_note_add(contact=contact, author=request.user, text=request.POST.get("text", ""))
    except ValidationError as invalid:
        messages.error(request, invalid.messages[0])
    return _back(request, contact)


def _back(request, contact):
    """After a small change: the panel re-renders itself in the inbox, the page reloads."""
    if request.POST.get("panel"):
        return contact_panel(_as_get(request), contact.pk)
    return redirect("contact-detail", contact.pk)


def _as_get(request):
    request.method = "GET"
    return request


@login_required
@require_GET
def contact_lookup(request):
    """Contacts the user may see matching a name, phone number or email, for pickers (merge):
    JSON {"results": [{id, label, detail}]}, at most 10."""
    query = request.GET.get("q", "").strip()[:200]
    if len(query) < 2:
        return JsonResponse({"results": []})
    found = selectors.contact_search(user=request.user, filters=selectors.ContactFilters(q=query))
    exclude = access.row_id(request.GET.get("exclude", ""))
    if exclude is not None:
        found = found.exclude(pk=exclude)
    results = [
        {"id": c.pk, "label": _lookup_label(c), "detail": _detail(c)} for c in found.prefetch_related("identities")[:10]
    ]
    return JsonResponse({"results": results})


def _lookup_label(contact: Contact) -> str:
    return contact.name or contact.email or contact.phone or contact.phone_raw or _("Unknown customer")


def _detail(contact: Contact) -> str:
    """What tells two contacts of the same name apart: phone, email, channels."""
    channels = ", ".join(
        sorted(
            {f"{identity.get_channel_display()} {identity.shown_as}".strip() for identity in contact.identities.all()}
        )
    )
    label = _lookup_label(contact)
    return " · ".join(
        part for part in (contact.phone or contact.phone_raw, contact.email, channels) if part and part != label
    )


@login_required
@require_POST
def contact_merge(request, pk: int):
    survivor = access.access_contact_or_survivor(request.user, pk)
    other_id = request.POST.get("other", "")
    other = access.access_contact(request.user, other_id)
    try:
        merging.contact_merge(survivor=survivor, other=other, merged_by=request.user)
        messages.success(request, _("Contacts merged. You can undo this on the contact page."))
    except merging.MergeRefused as refused:
        messages.error(request, str(refused))
    return redirect("contact-detail", survivor.pk)


@login_required
@require_POST
def merge_undo(request, pk: int):
    merge = ContactMerge.objects.filter(pk=pk).first()
    if merge is None:
        raise Http404
    survivor = access.access_contact(request.user, merge.survivor_id)
    try:
        merging.contact_merge_undo(merge=merge, actor=request.user)
        messages.success(request, _("Merge undone: both contacts are back."))
    except merging.MergeRefused as refused:
        messages.error(request, str(refused))
    return redirect("contact-detail", survivor.pk)


@login_required
@require_GET
def suggestion_list(request):
    return render(request, "crm/suggestions.html", {"suggestions": selectors.pending_suggestions(user=request.user)})


@login_required
@require_POST
def suggestion_decide(request, pk: int, decision: str):
    suggestion = selectors.access_suggestion(request.user, pk)
    survivor_id = request.POST.get("survivor", "") or str(suggestion.first_id)
    if decision == "accept":
        survivor = access.access_contact(request.user, survivor_id)
        try:
            merging.suggestion_accept(suggestion=suggestion, survivor=survivor, actor=request.user)
            messages.success(request, _("Contacts merged. You can undo this on the contact page."))
        except merging.MergeRefused as refused:
            messages.error(request, str(refused))
    else:
        merging.suggestion_dismiss(suggestion=suggestion, actor=request.user)
        messages.success(request, _("Suggestion dismissed."))
    next_url = request.POST.get("next", "")
    if next_url.startswith("/contacts/") and "//" not in next_url:
        return redirect(next_url)
    return redirect("contact-suggestions")
