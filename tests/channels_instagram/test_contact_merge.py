"""The CRM and Instagram: the username kept on the identity and shown on the contact, and an
agent merging the Instagram contact with the same person's WhatsApp contact through the merge
picker (lookup, then merge)."""

import pytest

from crm.models import Contact
from inbox.models import Message
from tests.channels_instagram.fakes import deliver, graph, ig_inbox  # noqa: F401
from tests.factories import make_contact, make_conversation, make_inbox, make_user

pytestmark = pytest.mark.django_db


def test_an_agent_merges_the_instagram_contact_with_the_same_persons_whatsapp_contact(
    deliver,  # noqa: F811
    ig_inbox,  # noqa: F811
    client,
):
    whatsapp = make_inbox("whatsapp")
    on_whatsapp = make_conversation(whatsapp, contact=make_contact(name="Sanne")).contact
    deliver("text")  # the profile API answers Sanne de Vries, @sanne.dv
    on_instagram = Message.objects.get(inbox=ig_inbox).conversation.contact
    assert on_instagram.pk != on_whatsapp.pk  # names alone never merge
    identity = on_instagram.identities.get()
    assert identity.attributes["username"] == "sanne.dv"

    agent = make_user("anna", inboxes=[ig_inbox, whatsapp])
    client.force_login(agent)
    page = client.get(f"/contacts/{on_instagram.pk}/").content.decode()
    assert "@sanne.dv" in page  # the username on the contact
    found = client.get("/contacts/lookup/", {"q": "@sanne.dv", "exclude": on_whatsapp.pk}).json()["results"]
    assert [row["id"] for row in found] == [on_instagram.pk] and "@sanne.dv" in found[0]["detail"]

    response = client.post(f"/contacts/{on_whatsapp.pk}/merge/", {"other": on_instagram.pk})
    assert response.status_code == 302
    on_whatsapp.refresh_from_db()
    assert sorted(on_whatsapp.identities.values_list("channel", flat=True)) == ["instagram", "whatsapp"]
    assert Message.objects.get(inbox=ig_inbox).conversation.contact_id == on_whatsapp.pk
    assert Contact.objects.filter(merged_into__isnull=True).count() == 1
    assert "@sanne.dv" in client.get(f"/contacts/{on_whatsapp.pk}/").content.decode()
