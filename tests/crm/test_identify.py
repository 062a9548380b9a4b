import pytest

from crm.merging import MergeRefused, contact_merge
from crm.models import Contact, ContactIdentity
from crm.services import identify
from tests.factories import make_contact

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_a_new_sender_becomes_a_contact_with_one_identity():
    who = identify(
        channel="whatsapp", external_id="31612345678", display_name="Sanne", phone="31612345678", details_verified=True
    )

    assert who.created
    assert who.contact.name == "Sanne"
    assert who.contact.phone == "+31612345678"
    assert who.identity.phone == "+31612345678"


def test_the_same_identity_is_recognised_again():
    first = identify(channel="messenger", external_id="psid-1", display_name="Jan")
    again = identify(channel="messenger", external_id="psid-1", display_name="Jan")

    assert not again.created
    assert again.contact.pk == first.contact.pk
    assert Contact.objects.count() == 1


def test_a_live_chat_visitor_giving_a_whatsapp_customers_number_is_not_that_contact():
    # given a customer known from WhatsApp
    whatsapp = identify(
        channel="whatsapp", external_id="31612345678", display_name="Sanne", phone="31612345678", details_verified=True
    )
    # when someone opens the live chat and types that number the Dutch way
    livechat = identify(channel="livechat", external_id="visitor-abc", phone="06-12345678")
    # then they are not let into her contact: anyone can type anyone's number
    assert livechat.contact.pk != whatsapp.contact.pk
    assert ContactIdentity.objects.filter(contact=whatsapp.contact).count() == 1


def test_email_matches_case_insensitively():
    known = make_contact(email="Sanne@Example.nl")
    who = identify(channel="livechat", external_id="u1:42", email="sanne@example.NL", details_verified=True)
    assert who.contact.pk == known.pk


def test_names_alone_never_merge_contacts():
    identify(channel="whatsapp", external_id="31612345678", display_name="Jan Jansen", phone="31612345678")
    other = identify(channel="messenger", external_id="psid-9", display_name="Jan Jansen")
    assert Contact.objects.count() == 2
    assert other.created


def test_an_unparseable_phone_is_kept_as_typed_and_does_not_crash():
    who = identify(channel="livechat", external_id="visitor-y", phone="call me maybe")
    assert who.contact.phone == ""
    assert who.contact.phone_raw == "call me maybe"


def test_a_known_contact_gets_missing_details_but_keeps_its_own():
    known = make_contact(name="Sanne de Vries", phone="+31612345678")
    identify(
        channel="whatsapp",
        external_id="31612345678",
        display_name="S.",
        phone="0612345678",
        email="s@example.nl",
        details_verified=True,
    )
    known.refresh_from_db()
    assert known.name == "Sanne de Vries"
    assert known.email == "s@example.nl"


def test_merge_moves_identities_and_records_what_the_other_held():
    a = identify(channel="whatsapp", external_id="31612345678", display_name="Sanne", phone="31612345678").contact
    b = identify(channel="messenger", external_id="psid-2", display_name="Sanne dV").contact

    merge = contact_merge(survivor=a, other=b)

    b.refresh_from_db()
    assert b.merged_into_id == a.pk
    assert set(a.identities.values_list("channel", flat=True)) == {"whatsapp", "messenger"}
    assert merge.snapshot["name"] == "Sanne dV"
    with pytest.raises(MergeRefused):
        contact_merge(survivor=a, other=b)
