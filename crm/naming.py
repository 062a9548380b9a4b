"""How a customer is called to agents, on every page: one rule.

Name, else email, else phone, else "Visitor from <city or page>", else "Unknown customer".
Never a channel's internal id (a live-chat visitor key, a Messenger PSID): those mean nothing
to a person and leak how the platform tracks the customer.
"""

from urllib.parse import urlsplit

from django.utils.translation import gettext as _

PLACE_LENGTH = 60


def customer_name(*, name: str = "", email: str = "", phone: str = "", city: str = "", page: str = "") -> str:
    """The one display-name rule for a customer, from the details we hold."""
    for value in (name, email, phone):
        if value and value.strip():
            return value.strip()
    place = (city or "").strip() or page_place(page)
    if place:
        return _("Visitor from %(place)s") % {"place": place}
    return _("Unknown customer")


def page_place(page: str) -> str:
    """A web page as a person reads it: host and path, no scheme or query ("shop.example/prices")."""
    if not page or not isinstance(page, str):
        return ""
    parts = urlsplit(page)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    place = parts.hostname + (parts.path.rstrip("/") or "")
    return place if len(place) <= PLACE_LENGTH else place[: PLACE_LENGTH - 1] + "…"


def contact_display_name(contact, *, page: str = "") -> str:
    """A contact's display name; `page` is where the customer started the conversation at hand."""
    attributes = contact.attributes if isinstance(contact.attributes, dict) else {}
    return customer_name(
        name=contact.name,
        email=contact.email,
        phone=contact.phone or contact.phone_raw,
        city=str(attributes.get("city") or ""),
        page=page,
    )


def identity_label(identity) -> str:
    """A channel identity as shown beside its channel: the name or phone the platform gave,
    never its internal id; with the platform username when there is one (`@name`), so the same
    person on two channels is recognised before a merge."""
    label = (identity.display_name or identity.phone or "").strip()
    username = str((identity.attributes or {}).get("username") or "").strip()
    if username and f"@{username}".lower() not in label.lower():
        return f"{label} (@{username})" if label else f"@{username}"
    return label
