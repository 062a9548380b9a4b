"""The shared tag-list service, through both lists it keeps: contact tags (`crm.tags`) and
conversation tags (`inbox.tags`). The settings pages are tested in tests/workspace/test_tags.py;
these are the rules the pages do not reach."""

from dataclasses import dataclass
from typing import Any

import pytest

from audit.models import AuditEntry
from crm import tags as contact_tags
from crm.models import ContactTag
from inbox import tags as conversation_tags
from inbox.models import Tag
from kernel.refusals import Refused
from tests.factories import make_contact, make_conversation, make_user

pytestmark = pytest.mark.django_db


@dataclass
class Listed:
    model: Any
    create: Any
    update: Any
    delete: Any
    merge: Any
    refused: type
    carrier: Any
    kind: str
    counted: str


LISTS = {
    "contact": Listed(
        ContactTag,
        contact_tags.contact_tag_create,
        contact_tags.contact_tag_update,
        contact_tags.contact_tag_delete,
        contact_tags.contact_tag_merge,
        contact_tags.ContactTagRefused,
        make_contact,
        "contact",
        "contacts",
    ),
    "conversation": Listed(
        Tag,
        conversation_tags.tag_create,
        conversation_tags.tag_update,
        conversation_tags.tag_delete,
        conversation_tags.tag_merge,
        Refused,
        make_conversation,
        "conversation",
        "conversations",
    ),
}


@pytest.fixture(params=sorted(LISTS))
def listed(request) -> Listed:
    return LISTS[request.param]


@pytest.fixture
def lead():
    return make_user("lena", role="lead")


@pytest.mark.parametrize(
    ("name", "color", "code"),
    [
        ("   ", "#dc2626", "tag_name_invalid"),
        ("a,b", "#dc2626", "tag_name_invalid"),
        ("ok", "#123456", "tag_color_invalid"),
    ],
)
def test_a_blank_name_a_comma_or_a_colour_off_the_palette_is_refused(listed, lead, name, color, code):
    with pytest.raises(listed.refused) as refused:
        listed.create(actor=lead, name=name, color=color)
    assert refused.value.code == code
    assert not listed.model.objects.exists() and not AuditEntry.objects.exists()


def test_contact_tags_keep_their_case_and_clash_with_any_case(lead):
    vip = contact_tags.contact_tag_create(actor=lead, name="  VIP  ", color="#9333EA")
    assert (vip.name, vip.color) == ("VIP", "#9333ea")
    with pytest.raises(contact_tags.ContactTagRefused) as refused:
        contact_tags.contact_tag_create(actor=lead, name="vip")
    assert refused.value.code == "tag_name_taken" and "“vip”" in refused.value.reason
    gold = contact_tags.contact_tag_create(actor=lead, name="Gold")
    with pytest.raises(contact_tags.ContactTagRefused):
        contact_tags.contact_tag_update(actor=lead, tag=gold, name="Vip", color=gold.color)
    assert contact_tags.contact_tag_update(actor=lead, tag=vip, name="Vip", color=vip.color).name == "Vip"
    assert sorted(ContactTag.objects.values_list("name", flat=True)) == ["Gold", "Vip"]


def test_conversation_tags_are_stored_lower_case(lead):
    tag = conversation_tags.tag_create(actor=lead, name="  Big   Refund ")
    assert tag.name == "big refund"
    with pytest.raises(Refused) as refused:
        conversation_tags.tag_create(actor=lead, name="BIG REFUND")
    assert refused.value.code == "tag_name_taken"


def test_saving_a_tag_unchanged_writes_no_audit_entry(listed, lead):
    tag = listed.create(actor=lead, name="Lead", color="#16a34a")
    listed.update(actor=lead, tag=tag, name=tag.name, color="#16A34A")
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["tag.created"]


def test_a_tag_is_not_merged_into_itself(listed, lead):
    tag = listed.create(actor=lead, name="Lead")
    carrier = listed.carrier()
    carrier.tags.add(tag)
    with pytest.raises(listed.refused) as refused:
        listed.merge(actor=lead, tag=tag, into=tag)
    assert refused.value.code == "tag_merge_self"
    assert list(carrier.tags.all()) == [tag]
    assert not AuditEntry.objects.filter(action="tag.merged").exists()


def test_deleting_a_tag_takes_it_off_everything_and_counts_them_in_the_audit_log(listed, lead):
    tag, other = listed.create(actor=lead, name="Lead"), listed.create(actor=lead, name="Other")
    first, second, untagged = listed.carrier(), listed.carrier(), listed.carrier()
    first.tags.add(tag, other)
    second.tags.add(tag)
    assert listed.delete(actor=lead, tag=tag) == 2
    assert list(first.tags.all()) == [other] and not second.tags.exists() and not untagged.tags.exists()
    assert type(first).objects.count() == 3
    entry = AuditEntry.objects.get(action="tag.deleted")
    assert entry.target_label == tag.name
    assert entry.data[listed.counted] == 2


def test_merging_moves_every_carrier_once_and_counts_them_in_the_audit_log(listed, lead):
    old, into = listed.create(actor=lead, name="Refunds"), listed.create(actor=lead, name="Refund")
    both, only_old, only_into = listed.carrier(), listed.carrier(), listed.carrier()
    both.tags.add(old, into)
    only_old.tags.add(old)
    only_into.tags.add(into)
    assert listed.merge(actor=lead, tag=old, into=into) == 2
    assert list(listed.model.objects.all()) == [into]
    for carrier in (both, only_old, only_into):
        assert list(carrier.tags.all()) == [into]
    entry = AuditEntry.objects.get(action="tag.merged")
    assert entry.target_label == into.name
    assert entry.data == {"kind": listed.kind, "merged": old.name, listed.counted: 2}
