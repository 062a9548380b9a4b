"""Matching keys and the matching order of `crm.identify`: several phones and emails per
contact, any national or international form of a number, unparseable input kept and flagged,
and details a visitor merely typed, which never attach them to anyone else's contact.

`VOUCHED` is what a channel passes when the platform verified the details (WhatsApp's phone is
the wa_id); the matching rules below are about such details."""

import pytest

from crm.merging import contact_merge
from crm.models import Contact, ContactPhone, MergeSuggestion
from crm.services import contact_email_add, contact_phone_add, contact_update, identify
from inbox.ingest import message_ingest
from tests.factories import inbound, make_contact, make_inbox

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

VOUCHED = {"details_verified": True}


@pytest.mark.parametrize(
    "typed",
    ["06-12345678", "+31 6 12345678", "0031612345678", "0612345678", "31612345678", "+31 (0)6 1234 5678"],
)
def test_a_number_entered_in_any_form_finds_the_whatsapp_sender(typed):
    # given a number an agent entered the way the customer said it
    known = make_contact(name="Sanne")
    contact_update(contact=known, field="phone", value=typed)
    # when that number writes on WhatsApp
    who = identify(channel="whatsapp", external_id="31612345678", phone="31612345678", **VOUCHED)
    # then it is that contact
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
    who = identify(channel="whatsapp", external_id="4915123456789", phone="0049 151 23456789", **VOUCHED)
    assert who.contact.pk == contact.pk


def test_a_second_email_is_a_matching_key_case_insensitively():
    contact = make_contact(email="sanne@work.nl")
    contact_email_add(contact=contact, email="Sanne@Home.NL")
    who = identify(channel="livechat", external_id="u1:9", email="sanne@home.nl", **VOUCHED)
    assert who.contact.pk == contact.pk


def test_a_new_phone_or_email_of_a_matched_contact_is_added_as_a_key():
    known = identify(channel="whatsapp", external_id="31612345678", phone="31612345678", **VOUCHED).contact
    identify(channel="livechat", external_id="u1:1", phone="0612345678", email="Sanne@Example.nl", **VOUCHED)
    identify(channel="messenger", external_id="psid-1", email="sanne@example.nl", phone="+4915123456789", **VOUCHED)
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
    who = identify(channel="livechat", **sender, **VOUCHED)
    owners = {"by_identity": by_identity, "by_phone": by_phone, "by_email": by_email}
    if expected == "new":
        assert who.contact.pk not in {c.pk for c in owners.values()}
    else:
        assert who.contact.pk == owners[expected].pk


# --- what a visitor merely typed ---------------------------------------------------------------


@pytest.mark.parametrize("typed", [{"phone": "06-12345678"}, {"email": "SANNE@example.nl"}])
def test_a_typed_phone_or_email_never_attaches_a_visitor_to_the_contact_who_has_it(typed):
    # given a customer known from WhatsApp, with an email an agent entered
    known = identify(channel="whatsapp", external_id="31612345678", phone="31612345678", **VOUCHED).contact
    contact_update(contact=known, field="email", value="sanne@example.nl")
    # when a live-chat visitor types her number or address
    who = identify(channel="livechat", external_id="v-impostor", display_name="Sanne", **typed)
    # then the visitor has a contact of their own, holding what they typed, unverified
    assert who.contact.pk != known.pk
    assert list(known.identities.values_list("channel", flat=True)) == ["whatsapp"]
    rows = list(who.contact.phones.all()) + list(who.contact.emails.all())
    assert [row.verified for row in rows] == [False]
    assert (who.contact.phone or who.contact.email).lower() in ("+31612345678", "sanne@example.nl")


def test_typed_details_never_become_the_contacts_primary_ones():
    known = identify(channel="whatsapp", external_id="31612345678", phone="31612345678", **VOUCHED).contact
    identify(channel="livechat", external_id="v-impostor", phone="0612345678", email="attacker@example.net")
    known.refresh_from_db()
    assert known.email == "" and not known.emails.exists()


def test_a_typed_number_is_no_key_for_the_real_whatsapp_customer_later(django_capture_on_commit_callbacks):
    # given a visitor who typed a number before its owner ever wrote
    with django_capture_on_commit_callbacks(execute=True):
        impostor = identify(channel="livechat", external_id="v-impostor", phone="+31687654321").contact
    # when the owner of that number writes on WhatsApp
    with django_capture_on_commit_callbacks(execute=True):
        real = identify(channel="whatsapp", external_id="31687654321", phone="31687654321", **VOUCHED).contact
    # then the owner gets their own contact, and an agent is asked whether the two are one
    assert real.pk != impostor.pk
    suggestion = MergeSuggestion.objects.get()
    assert {suggestion.first_id, suggestion.second_id} == {impostor.pk, real.pk}
    assert (suggestion.reason, suggestion.status) == ("same_phone", "pending")


def test_a_visitor_typing_a_known_email_makes_a_suggestion(django_capture_on_commit_callbacks):
    known = make_contact(name="Sanne", email="sanne@example.nl")
    contact_email_add(contact=known, email="sanne@example.nl")
    with django_capture_on_commit_callbacks(execute=True):
        visitor = identify(channel="livechat", external_id="v-1", email="Sanne@Example.nl").contact
    assert visitor.pk != known.pk
    assert MergeSuggestion.objects.get().reason == "same_email"


def test_an_agent_confirming_a_typed_number_makes_it_a_key():
    visitor = identify(channel="livechat", external_id="v-1", phone="0612345678").contact
    contact_update(contact=visitor, field="phone", value="+31 6 12345678")
    assert visitor.phones.get().verified
    who = identify(channel="whatsapp", external_id="31612345678", phone="31612345678", **VOUCHED)
    assert who.contact.pk == visitor.pk


def test_one_customer_on_whatsapp_and_live_chat_becomes_one_contact_by_an_agents_merge():
    # given a customer writing on WhatsApp
    whatsapp, livechat = make_inbox("whatsapp"), make_inbox("livechat")
    first = message_ingest(
        inbox=whatsapp, inbound=inbound("wamid.1", sender_id="31612345678", phone="31612345678", **VOUCHED)
    )
    # when they later open the website chat and give their number the Dutch way
    second = message_ingest(
        inbox=livechat, inbound=inbound("lc-1", sender_id="v-abc", name="Sanne", phone="06-12345678")
    )
    # then the visitor is a contact of their own until an agent merges the two
    contact = first.message.conversation.contact
    assert second.message.conversation.contact_id != contact.pk
    contact_merge(survivor=contact, other=second.message.conversation.contact)
    assert sorted(contact.identities.values_list("channel", flat=True)) == ["livechat", "whatsapp"]
    assert Contact.objects.filter(merged_into__isnull=True).count() == 1
