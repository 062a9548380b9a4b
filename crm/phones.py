"""Phone numbers: everything is stored and matched in E.164 (`+31612345678`)."""

import phonenumbers
from django.conf import settings


def normalize_phone(raw: str, *, region: str | None = None) -> str | None:
    """E.164 form of `raw`, or None when it is not a valid number.

    National forms use `region` (default `WEBCARE_DEFAULT_REGION`); `00` and `+` prefixes are
    international. A bare run of 11+ digits (a WhatsApp wa_id) is read as international.
    """
    text = (raw or "").strip()
    if not text:
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.startswith("00"):
        text = "+" + text[2:]
    elif text.isdigit() and len(digits) >= 11 and not text.startswith("0"):
        text = "+" + digits
    try:
        number = phonenumbers.parse(text, region or settings.WEBCARE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
