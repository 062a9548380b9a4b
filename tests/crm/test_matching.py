"""Matching keys and the matching order of `crm.identify`: several phones and emails per
contact, any national or international form of a number, unparseable input kept and flagged,
and one customer followed across WhatsApp and live chat into one contact."""

import pytest

from crm.models import Contact, ContactPhone
from crm.services import contact_email_add, contact_phone_add, identify
from inbox.ingest import message_ingest
from tests.factories import inbound, make_contact, make_inbox

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


@pytest.mark.parametrize(
    "typed",
    ["06-12345678", "+31 6 12345678", "0031612345678", "0612345678", "31612345678", "+31 (0)6 1234 5678"],
)
def test_a_dutch_mobile_in_any_form_finds_the_whatsapp_contact(typed):
    known = identify(channel="whatsapp", external_id="31612345678", phone="31612345678").contact
    who = identify(channel="livechat", external_id=f"v-{typed}", phone=typed)
    assert who.contact.pk == known.pk


@pytest.mark.parametrize(
    "typed, e164",
    [
        ("+49 151 23456789", "+4915123456789"),
        ("0032 470 12 34 56", "+32470123456"),
        ("+44 7911 123456", "+447911123456"),
    ],
)
def test_foreign_numbers_parse_with_their_country_code(typed, e164):
    who = identify(channel="livechat", external_id="v-1", phone=typed)
    assert who.contact.phone == e164
    assert list(who.contact.phones.values_list("e164", flat=True)) == [e164]


@pytest.mark.parametrize("typed", ["call me maybe", "123", "+31 6 1234", "06-1234567890123"])
def test_an_unparseable_phone_is_kept_as_typed_and_flagged(typed):
    who = identify(channel="livechat", external_id="v-x", phone=typed)
    phone = who.contact.phones.get()
    assert (phone.e164, phone.raw, phone.valid) == ("", typed, False)
    assert who.contact.phone_raw == typed


def test_an_unparseable_phone_never_links_two_contacts():
    first = identify(channel="livechat", external_id="v-1", phone="call me maybe")
    second = identify(channel="livechat", external_id="v-2", phone="call me maybe")
    assert first.contact.pk != second.contact.pk


def test_a_second_phone_number_is_a_matching_key():
    contact = make_contact(name="Sanne", phone="+31612345678")
    contact_phone_add(contact=contact, raw="+49 151 23456789")
    who = identify(channel="livechat", external_id="v-9", phone="0049 151 23456789")
    assert who.contact.pk == contact.pk


def test_a_second_email_is_a_matching_key_case_insensitively():
    contact = make_contact(email="sanne@work.nl")
    contact_email_add(contact=contact, email="Sanne@Home.NL")
    who = identify(channel="livechat", external_id="v-9", email="sanne@home.nl")
    assert who.contact.pk == contact.pk


def test_a_new_phone_or_email_of_a_matched_contact_is_added_as_a_key():
    known = identify(channel="whatsapp", external_id="31612345678", phone="31612345678").contact
    identify(channel="livechat", external_id="v-1", phone="0612345678", email="Sanne@Example.nl")
    identify(channel="messenger", external_id="psid-1", email="sanne@example.nl", phone="+4915123456789")
    assert set(known.emails.values_list("email_lower", flat=True)) == {"sanne@example.nl"}
    assert set(known.phones.values_list("e164", flat=True)) == {"+31612345678", "+4915123456789"}
    assert Contact.objects.count() == 1


@pytest.mark.parametrize(
    "case, expected",
    [
        # (what the sender gives, which of the known contacts it must be)
        ("identity beats phone and email", "by_identity"),
        ("phone beats email", "by_phone"),
        ("email when no phone matches", "by_email"),
        ("nothing known: a new contact", "new"),
    ],
)
def test_matching_order(case, expected):
    identify(channel="livechat", external_id="u7:42", display_name="verified user")  # makes its own contact
    by_identity = Contact.objects.get(identities__external_id="u7:42")
    by_phone = make_contact(name="Phone owner", phone="+31612345678")
    ContactPhone.objects.create(contact=by_phone, e164="+31612345678", digits="31612345678")
    by_email = make_contact(name="Email owner", email="e@example.nl")
    sender = {
        "identity beats phone and email": {"external_id": "u7:42", "phone": "0612345678", "email": "e@example.nl"},
        "phone beats email": {"external_id": "v-new", "phone": "06 12 34 56 78", "email": "E@example.nl"},
        "email when no phone matches": {"external_id": "v-new", "phone": "0687654321", "email": "E@EXAMPLE.NL"},
        "nothing known: a new contact": {"external_id": "v-new", "phone": "0687654321", "email": "x@example.nl"},
    }[case]
    who = identify(channel="livechat", **sender)
    owners = {"by_identity": by_identity, "by_phone": by_phone, "by_email": by_email}
    if expected == "new":
        assert who.contact.pk not in {c.pk for c in owners.values()}
    else:
        assert who.contact.pk == owners[expected].pk


def test_one_customer_across_whatsapp_and_live_chat_is_one_contact():
    # given a customer writing on WhatsApp
    whatsapp, livechat = make_inbox("whatsapp"), make_inbox("livechat")
    first = message_ingest(inbox=whatsapp, inbound=inbound("wamid.1", sender_id="31612345678", phone="31612345678"))
    # when they later open the website chat and give their number the Dutch way
    second = message_ingest(
        inbox=livechat, inbound=inbound("lc-1", sender_id="v-abc", name="Sanne", phone="06-12345678")
    )
    # then both conversations belong to one contact with two identities
    contact = first.message.conversation.contact
    assert second.message.conversation.contact_id == contact.pk
    assert sorted(contact.identities.values_list("channel", flat=True)) == ["livechat", "whatsapp"]
    assert Contact.objects.count() == 1
