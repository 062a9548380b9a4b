"""Matching and suggestion keys: what is left of a name, email or phone once formatting is gone.

Exact keys (E.164, lower-cased email) link identities automatically. Folded keys (a name
without case, accents and spacing; an email without Gmail's dots and +tags; a phone's bare
digits) only ever produce merge suggestions for an agent to decide.
"""

import unicodedata

GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}


def name_key(name: str) -> str:
    """ "José  Pérez" -> "jose perez": case, accents and runs of spaces folded."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())[:255]


def email_lower(email: str) -> str:
    return (email or "").strip().lower()


def email_folded(email: str) -> str:
    """The address without what only formats it: case, surrounding space, and for Gmail the
    dots and `+tag` of the local part (Gmail delivers all of them to one mailbox)."""
    address = email_lower(email)
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    if domain in GMAIL_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def phone_digits(raw: str) -> str:
    """Digits only, without an international `00`/`+` prefix or a national trunk `0`: what two
    spellings of one number share even when neither parses."""
    digits = "".join(ch for ch in raw or "" if ch.isdigit())
    return digits.lstrip("0")[:32]
