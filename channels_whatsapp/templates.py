"""Message templates: sync from the Graph API and compose one for sending.

Templates are the only messages WhatsApp accepts outside the 24-hour window. They are synced
from `GET /{waba-id}/message_templates` (the WABA id is `inbox.config["waba_id"]`), stored per
name and language, and composed here with the agent's parameters for the outbox.
"""

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inbox.channel_registry import TemplateMessage, TemplateRefused

from .graph import graph_request
from .models import MessageTemplate

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
PAGE_SIZE = 100
MAX_PAGES = 100  # 10,000 templates; Meta allows far fewer per account


def templates_sync(*, inbox) -> dict:
    """Fetch every template of the inbox's WhatsApp Business Account (all pages) and store
    them; templates Meta no longer lists are removed. Network first, then one transaction."""
    waba_id = str(inbox.config.get("waba_id") or "")
    if not waba_id:
        raise ValueError(f"Inbox {inbox.pk} has no WhatsApp Business Account id (config waba_id).")
    token = inbox.credentials.get("access_token", "")
    fetched, after = [], None
    for _page in range(MAX_PAGES):
        params = {"limit": PAGE_SIZE, "fields": "id,name,language,status,category,components"}
        if after:
            params["after"] = after
        answer = graph_request("GET", f"/{waba_id}/message_templates", token=token, params=params)
        fetched += [item for item in answer.get("data") or [] if isinstance(item, dict)]
        paging = answer.get("paging") or {}
        # Follow the cursor on our own base URL rather than the absolute `next` link, so the
        # token never goes to a host we did not configure.
        after = (paging.get("cursors") or {}).get("after")
        if not paging.get("next") or not after:
            break
    return _templates_store(inbox, fetched)


def _templates_store(inbox, fetched: list[dict]) -> dict:
    now = timezone.now()
    kept = []
    with transaction.atomic():
        for item in fetched:
            names = template_parameter_names(item.get("components") or [])
            template, _created = MessageTemplate.objects.update_or_create(
                inbox=inbox,
                name=str(item.get("name") or ""),
                language=str(item.get("language") or ""),
                defaults={
                    "external_id": str(item.get("id") or ""),
                    "category": str(item.get("category") or ""),
                    "status": str(item.get("status") or ""),
                    "components": item.get("components") or [],
                    "parameter_names": names,
                    "parameter_count": len(names),
                    "synced_at": now,
                },
            )
            kept.append(template.pk)
        removed, _kinds = MessageTemplate.objects.filter(inbox=inbox).exclude(pk__in=kept).delete()
    approved = sum(1 for item in fetched if item.get("status") == "APPROVED")
    return {"inbox": inbox.pk, "templates": len(kept), "approved": approved, "removed": removed}


MEDIA_HEADER_FORMATS = ("IMAGE", "VIDEO", "DOCUMENT")


def approved_templates(inbox) -> list:
    """The inbox's approved templates, for the composer's picker."""
    return list(MessageTemplate.objects.filter(inbox=inbox, status="APPROVED").order_by("name", "language"))


def template_parameter_names(components: list) -> list[str]:
    """What the agent fills in, in sending order: a media header's link (`header.link`), the
    text header's and the body's placeholders (`header.1`, `body.first_name`), and the
    dynamic suffix of URL buttons (`button.0.1`: button index, placeholder)."""
    names = []
    for component in components:
        kind = str(component.get("type") or "").upper()
        if kind == "HEADER" and str(component.get("format") or "").upper() in MEDIA_HEADER_FORMATS:
            names.insert(0, "header.link")
    for component in _text_components(components):
        for name in PLACEHOLDER.findall(component.get("text") or ""):
            if f"{component['type'].lower()}.{name}" not in names:
                names.append(f"{component['type'].lower()}.{name}")
    for index, button in _url_buttons(components):
        for name in dict.fromkeys(PLACEHOLDER.findall(button.get("url") or "")):
            names.append(f"button.{index}.{name}")
    return names


def _url_buttons(components: list) -> list[tuple[int, dict]]:
    for component in components:
        if str(component.get("type") or "").upper() == "BUTTONS":
            buttons = component.get("buttons") or []
            return [(i, b) for i, b in enumerate(buttons) if str(b.get("type") or "").upper() == "URL"]
    return []


def _text_components(components: list) -> list[dict]:
    found = []
    for component in components:
        kind = str(component.get("type") or "").upper()
        if kind == "BODY" or (kind == "HEADER" and str(component.get("format") or "TEXT").upper() == "TEXT"):
            found.append({**component, "type": kind})
    return sorted(found, key=lambda c: 0 if c["type"] == "HEADER" else 1)


def template_compose(*, conversation, name: str, language: str, parameters: list[str]) -> TemplateMessage:
    """Check the template and fill it in. Raises TemplateRefused with a reason for the agent."""
    template = MessageTemplate.objects.filter(inbox_id=conversation.inbox_id, name=name, language=language).first()
    if template is None:
        raise TemplateRefused(
            _("No template '{name}' in language '{language}' for this inbox (sync the templates?)."),
            code="template_unknown",
            name=name,
            language=language,
        )
    if template.status and template.status != "APPROVED":
        raise TemplateRefused(
            _("Template '{name}' ({language}) is {status}, not approved."),
            code="template_not_approved",
            name=name,
            language=language,
            status=template.status.lower(),
        )
    if len(parameters) != template.parameter_count:
        raise TemplateRefused(
            _("Template '{name}' needs {needed} parameter(s), got {got}."),
            code="template_parameters",
            name=name,
            needed=template.parameter_count,
            got=len(parameters),
        )
    values = dict(zip(template.parameter_names, parameters, strict=True))
    components = []
    media_header = _media_header(template.components, values.get("header.link"))
    if media_header:
        components.append(media_header)
    for component in _text_components(template.components):
        kind = component["type"].lower()
        sent = []
        for placeholder in dict.fromkeys(PLACEHOLDER.findall(component.get("text") or "")):
            parameter = {"type": "text", "text": values[f"{kind}.{placeholder}"]}
            if not placeholder.isdigit():
                parameter["parameter_name"] = placeholder  # named parameters
            sent.append(parameter)
        if sent:
            components.append({"type": kind, "parameters": sent})
    for index, button in _url_buttons(template.components):
        suffixes = [values[f"button.{index}.{p}"] for p in dict.fromkeys(PLACEHOLDER.findall(button.get("url") or ""))]
        if suffixes:
            components.append(
                {
                    "type": "button",
                    "sub_type": "url",
                    "index": str(index),
                    "parameters": [{"type": "text", "text": suffix} for suffix in suffixes],
                }
            )
    body = next((c for c in _text_components(template.components) if c["type"] == "BODY"), {})
    text = PLACEHOLDER.sub(lambda m: values.get(f"body.{m.group(1)}", m.group(0)), body.get("text") or name)
    content = {
        "template": {"name": name, "language": language, "parameters": list(parameters), "components": components}
    }
    return TemplateMessage(text=text, content=content)


def _media_header(components: list, link: str | None) -> dict | None:
    header = next((c for c in components if str(c.get("type") or "").upper() == "HEADER"), None)
    media = str((header or {}).get("format") or "").upper()
    if media not in MEDIA_HEADER_FORMATS:
        return None
    if not link or not link.startswith("https://"):
        raise TemplateRefused(f"This template's header needs the https:// link of its {media.lower()}.")
    kind = media.lower()
    return {"type": "header", "parameters": [{"type": kind, kind: {"link": link}}]}
