import pytest

from crm.phones import normalize_phone

pytestmark = pytest.mark.smoke


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("06-12345678", "+31612345678"),
        ("+31 6 12345678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("0612345678", "+31612345678"),
        ("31612345678", "+31612345678"),  # a WhatsApp wa_id: digits, no plus
        ("+49 151 23456789", "+4915123456789"),
        ("4915123456789", "+4915123456789"),
        ("+32 470 12 34 56", "+32470123456"),
        ("+44 7911 123456", "+447911123456"),
    ],
)
def test_phone_numbers_in_any_form_normalize_to_e164(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "hello", "123", "+31 6 1234", "06-1234567890123"])
def test_unparseable_numbers_give_none_not_an_error(raw):
    assert normalize_phone(raw) is None


def test_national_numbers_follow_the_configured_default_region(settings):
    settings.WEBCARE_DEFAULT_REGION = "DE"
    assert normalize_phone("0151 23456789") == "+4915123456789"
