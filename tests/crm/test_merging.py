"""Merge, its undo, its atomicity and merge suggestions (folding, no automatic merge by name,
remembered dismissals), and the realtime hint a merge sends after commit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crm import merging
from crm.merging import (
    MergeRefused,
    contact_merge,
    contact_merge_undo,
    suggestion_accept,
    suggestion_dismiss,
    suggestions_refresh,
)
from crm.models import Contact, ContactMerge, ContactNote, MergeSuggestion
from crm.services import contact_create, contact_phone_add, contact_tags_set, identify
from tests.factories import make_conversation, make_inbox

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def pair():
    """Two contacts of one customer, each with its own conversation, identity, note, tag,
    phone, email and attribute; one attribute in conflict."""
    inbox_a, inbox_b = make_inbox("whatsapp"), make_inbox("livechat")
    survivor = contact_create(name="Sanne de Vries", phone="+31612345678", email="sanne@work.nl")
    other = contact_create(name="S. de Vries", phone="+4915123456789", email="sanne@home.nl", locale="de")
    survivor.attributes = {"tier": "gold"}
    survivor.save()
    other.attributes = {"tier": "silver", "city": "Utrecht"}
    other.save()
    contact_tags_set(contact=survivor, names=["vip"])
    contact_tags_set(contact=other, names=["newsletter"])
    ContactNote.objects.create(contact=other, text="Prefers mornings")
    return {
        "survivor": survivor,
        "other": other,
        "survivor_conversation": make_conversation(inbox_a, contact=survivor),
        "other_conversation": make_conversation(inbox_b, contact=other),
    }


def test_merge_moves_everything_and_keeps_both_numbers(pair):
    survivor, other = pair["survivor"], pair["other"]

    merge = contact_merge(survivor=survivor, other=other)

    survivor.refresh_from_db()
    other.refresh_from_db()
    assert other.merged_into_id == survivor.pk
    assert set(survivor.phones.values_list("e164", flat=True)) == {"+31612345678", "+4915123456789"}
    assert set(survivor.emails.values_list("email_lower", flat=True)) == {"sanne@work.nl", "sanne@home.nl"}
    assert set(survivor.conversations.values_list("pk", flat=True)) == {
        pair["survivor_conversation"].pk,
        pair["other_conversation"].pk,
    }
    assert survivor.identities.count() == 2
    assert list(survivor.agent_notes.values_list("text", flat=True)) == ["Prefers mornings"]
    assert set(survivor.tags.values_list("name", flat=True)) == {"vip", "newsletter"}
    # conflicts go to the survivor; the other's values are kept in the record
    assert survivor.name == "Sanne de Vries" and survivor.attributes == {"tier": "gold", "city": "Utrecht"}
    assert survivor.locale == "de"  # a blank filled
    assert merge.snapshot["attributes"]["tier"] == "silver" and merge.snapshot["name"] == "S. de Vries"


def test_the_second_number_still_identifies_the_customer_after_a_merge(pair):
    contact_merge(survivor=pair["survivor"], other=pair["other"])
    who = identify(channel="whatsapp", external_id="4915123456789", phone="0049 151 23456789", details_verified=True)
    assert who.contact.pk == pair["survivor"].pk


def test_a_failure_mid_merge_leaves_both_contacts_intact(pair, monkeypatch):
    survivor, other = pair["survivor"], pair["other"]

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(merging, "_absorb_details", broken)  # after identities etc. were moved
    with pytest.raises(RuntimeError):
        contact_merge(survivor=survivor, other=other)

    other.refresh_from_db()
    assert other.merged_into_id is None
    assert other.identities.count() == 1 and other.conversations.count() == 1
    assert other.phones.count() == 1 and other.emails.count() == 1 and other.agent_notes.count() == 1
    assert list(survivor.tags.values_list("name", flat=True)) == ["vip"]
    assert ContactMerge.objects.count() == 0


def test_undo_restores_both_contacts(pair):
    survivor, other = pair["survivor"], pair["other"]
    merge = contact_merge(survivor=survivor, other=other)

    contact_merge_undo(merge=merge)

    survivor.refresh_from_db()
    other.refresh_from_db()
    assert other.merged_into_id is None
    assert list(other.conversations.values_list("pk", flat=True)) == [pair["other_conversation"].pk]
    assert list(survivor.conversations.values_list("pk", flat=True)) == [pair["survivor_conversation"].pk]
    assert list(other.phones.values_list("e164", flat=True)) == ["+4915123456789"]
    assert list(survivor.phones.values_list("e164", flat=True)) == ["+31612345678"]
    assert other.agent_notes.count() == 1 and survivor.agent_notes.count() == 0
    assert list(survivor.tags.values_list("name", flat=True)) == ["vip"]
    assert survivor.attributes == {"tier": "gold"} and survivor.locale == ""
    merge.refresh_from_db()
    assert merge.undone_at is not None
    with pytest.raises(MergeRefused):
        contact_merge_undo(merge=merge)  # once only


def test_undo_is_refused_after_the_configured_days(pair, settings):
    settings.WEBCARE_MERGE_UNDO_DAYS = 7
    merge = contact_merge(survivor=pair["survivor"], other=pair["other"])
    ContactMerge.objects.filter(pk=merge.pk).update(created_at=timezone.now() - timedelta(days=8))
    merge.refresh_from_db()
    with pytest.raises(MergeRefused):
        contact_merge_undo(merge=merge)


def test_merging_into_itself_or_twice_is_refused(pair):
    with pytest.raises(MergeRefused):
        contact_merge(survivor=pair["survivor"], other=pair["survivor"])
    contact_merge(survivor=pair["survivor"], other=pair["other"])
    with pytest.raises(MergeRefused):
        contact_merge(survivor=pair["survivor"], other=pair["other"])


def test_merge_tells_open_views_of_both_contacts_after_commit(pair, django_capture_on_commit_callbacks, monkeypatch):
    from kernel import realtime

    sent = []
    monkeypatch.setattr(realtime, "publish_now", lambda groups, message: sent.append((sorted(groups), message)))
    with django_capture_on_commit_callbacks(execute=True):
        contact_merge(survivor=pair["survivor"], other=pair["other"])
    groups, message = sent[-1]
    assert groups == sorted(
        realtime.inbox_group(c.inbox_id) for c in (pair["survivor_conversation"], pair["other_conversation"])
    )
    assert message == {
        "type": "realtime.event",
        "event": "contact_merged",
        "contact_id": pair["survivor"].pk,
        "merged_id": pair["other"].pk,
        "undone": False,
    }


# --- suggestions -------------------------------------------------------------------------------


@pytest.mark.smoke
@pytest.mark.parametrize(
    "first, second, reason",
    [
        ({"name": "José  Pérez"}, {"name": "jose perez"}, "name"),
        ({"name": "ÉLODIE Dupont"}, {"name": " elodie   dupont "}, "name"),
        (
            {"name": "A", "email": "Jan.Jansen+shop@gmail.com"},
            {"name": "B", "email": "janjansen@googlemail.com"},
            "email",
        ),
        ({"name": "A", "phone": "06 1234 567"}, {"name": "B", "phone": "0612-34567"}, "phone"),
    ],
)
def test_contacts_that_differ_only_in_formatting_become_a_suggestion_not_a_merge(first, second, reason):
    a = contact_create(**first)
    b = contact_create(**second)
    suggestions_refresh(contact=b)
    suggestion = MergeSuggestion.objects.get()
    assert (suggestion.first_id, suggestion.second_id, suggestion.reason) == (a.pk, b.pk, reason)
    assert suggestion.status == "pending"
    assert Contact.objects.filter(merged_into__isnull=False).count() == 0


@pytest.mark.smoke
def test_different_names_are_not_suggested():
    contact_create(name="José Pérez")
    b = contact_create(name="José Perez-Garcia")
    assert suggestions_refresh(contact=b) == []


def test_a_new_sender_with_a_known_name_gets_a_suggestion_and_its_own_contact(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        identify(
            channel="whatsapp",
            external_id="31612345678",
            display_name="José Pérez",
            phone="31612345678",
            details_verified=True,
        )
    with django_capture_on_commit_callbacks(execute=True):  # suggestions come after the commit
        other = identify(channel="messenger", external_id="psid-9", display_name="jose  perez")
    assert Contact.objects.count() == 2
    assert MergeSuggestion.objects.filter(second=other.contact, reason="name").exists()


def test_accepting_merges_and_dismissing_is_remembered():
    a, b, c = (contact_create(name="Jan Jansen") for _ in range(3))
    suggestions_refresh(contact=b)
    suggestions_refresh(contact=c)
    ab = MergeSuggestion.objects.get(first=a, second=b)
    ac = MergeSuggestion.objects.get(first=a, second=c)

    suggestion_accept(suggestion=ab, survivor=a)
    suggestion_dismiss(suggestion=ac)
    suggestions_refresh(contact=c)
    suggestions_refresh(contact=a)

    ab.refresh_from_db()
    assert ab.status == "accepted"
    b.refresh_from_db()
    assert b.merged_into_id == a.pk
    assert MergeSuggestion.objects.get(first=a, second=c).status == "dismissed"
    assert MergeSuggestion.objects.filter(status="pending").count() == 0


def test_a_phone_added_later_is_kept_through_merge_and_undo():
    a = contact_create(name="A", phone="+31612345678")
    b = contact_create(name="B", phone="+31612345678")
    contact_phone_add(contact=b, raw="+32470123456")
    merge = contact_merge(survivor=a, other=b)
    assert set(a.phones.values_list("e164", flat=True)) == {"+31612345678", "+32470123456"}
    contact_merge_undo(merge=merge)
    assert set(b.phones.values_list("e164", flat=True)) == {"+31612345678", "+32470123456"}


def test_a_typed_number_becomes_a_key_when_merged_with_the_contact_who_has_it_verified():
    # given a visitor who typed a number (unverified) and the WhatsApp customer who has it
    visitor = identify(channel="livechat", external_id="v-1", phone="06 87654321", email="s@example.nl").contact
    customer = identify(
        channel="whatsapp", external_id="31687654321", phone="31687654321", details_verified=True
    ).contact
    # when an agent keeps the visitor's contact
    merge = contact_merge(survivor=visitor, other=customer)
    # then the number matches again, on the survivor; the typed email stays unverified
    assert visitor.phones.get().verified and not visitor.emails.get().verified
    later = identify(channel="whatsapp", external_id="31687654321-b", phone="31687654321", details_verified=True)
    assert later.contact.pk == visitor.pk
    # and an undo puts the visitor's typed number back to unverified
    later.identity.delete()
    contact_merge_undo(merge=merge)
    assert not visitor.phones.get().verified
    assert customer.phones.get().verified
