"""WhatsApp ids and the national quirks of matching them to known phone numbers."""

import pytest

from crm.phones import phone_candidates
from crm.services import identify


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("raw", "candidates"),
    [
        ("31612345678", ["+31612345678"]),  # NL wa_id
        ("+31612345678", ["+31612345678"]),
        ("4915123456789", ["+4915123456789"]),  # DE
        ("551187654321", ["+5511987654321", "+551187654321"]),  # BR legacy id: the ninth digit added
        ("+5511987654321", ["+5511987654321", "+551187654321"]),  # BR full number: the legacy form too
        ("551133334444", ["+551133334444"]),  # BR landline (starts with 3): no ninth digit
        ("5215512345678", ["+525512345678", "+5215512345678"]),  # MX 521 id
        ("+525512345678", ["+525512345678", "+5215512345678"]),  # MX E.164
        ("0612345678", ["+31612345678"]),  # national (default region NL)
        ("not a phone", []),
        ("", []),
    ],
)
def test_phone_candidates(raw, candidates):
    assert phone_candidates(raw) == candidates


@pytest.mark.django_db
def test_identify_matches_a_contact_known_by_another_form_of_the_number():
    from tests.factories import make_contact

    known = make_contact(phone="+5511987654321")
    who = identify(channel="whatsapp", external_id="551187654321", phone="+551187654321", details_verified=True)
    assert who.contact == known and who.identity.phone == "+5511987654321"
