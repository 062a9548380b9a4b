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


def phone_candidates(raw: str) -> list[str]:
    """The E.164 forms under which this number may be known, the canonical one first.

    WhatsApp ids keep two national quirks: older Brazilian accounts have a 12-digit id without
    the ninth mobile digit (`55 11 8765-4321` is today's `+55 11 98765-4321`; only legacy mobile
    ranges starting 6-9 gained it), and Mexican ids often carry the old mobile `1` after `52`
    (`521` + 10 digits is `+52` + 10 digits). Matching on every form makes such a customer the
    contact already known by the full number. Empty when the number is not a phone number.
    """
    text = (raw or "").strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.startswith("00"):
        digits = digits[2:]
    international = text.startswith(("+", "00")) or (text.isdigit() and len(digits) >= 11 and not text.startswith("0"))
    if international and digits.startswith("55") and len(digits) in (12, 13):
        area, local = digits[2:4], digits[4:]
        if len(local) == 8 and local[0] in "6789":
            return [f"+55{area}9{local}", f"+55{area}{local}"]
        if len(local) == 9 and local[0] == "9" and local[1] in "6789":
            return [f"+55{area}{local}", f"+55{area}{local[1:]}"]
    if international and digits.startswith("52") and len(digits) in (12, 13):
        national = digits[3:] if len(digits) == 13 and digits[2] == "1" else digits[2:]
        if len(national) == 10:
            return [f"+52{national}", f"+521{national}"]
    e164 = normalize_phone(raw)
    return [e164] if e164 else []
