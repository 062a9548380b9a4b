"""Every inbound WhatsApp message type, one fixture file each, through the real webhook URL."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from crm.models import Contact, ContactIdentity
from inbox.models import Conversation, Message, WebhookEvent
from inbox.replies import reply_send
from tests.channels_whatsapp.fakes import PHONE_NUMBER_ID, fixture_bytes, post_webhook, sign
from tests.factories import make_contact, make_inbox, make_message, make_user

pytestmark = pytest.mark.django_db

SENT_AT = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)


def only_message() -> Message:
    return Message.objects.select_related("conversation__identity", "conversation__contact").get()


@pytest.mark.smoke
def test_text_becomes_a_customer_message_with_the_payload_time(deliver):
    deliver("text")
    message = only_message()
    assert (message.kind, message.direction, message.sender_type) == ("text", "in", "contact")
    assert message.text == "Hallo, waar blijft mijn bestelling?"
    assert message.sent_at == SENT_AT
    assert message.conversation.last_customer_message_at == SENT_AT
    identity = message.conversation.identity
    assert (identity.channel, identity.external_id, identity.display_name) == (
        "whatsapp",
        "31612345678",
        "Sanne de Vries",
    )
    assert message.conversation.contact.phone == "+31612345678"
    assert message.conversation.contact.name == "Sanne de Vries"


def test_image_has_its_caption_and_a_pending_attachment_by_media_id(deliver):
    deliver("image")
    message = only_message()
    assert (message.kind, message.text) == ("image", "Zo kwam het pakket aan")
    attachment = message.attachments.get()
    assert (attachment.kind, attachment.remote_id, attachment.mime_type) == ("image", "1001", "image/jpeg")
    # the Graph API is unreachable in this test: the placeholder stays pending for a retry
    assert attachment.status == "pending" and attachment.attempts == 1 and attachment.error


def test_video_is_a_video_attachment(deliver):
    deliver("video")
    message = only_message()
    assert message.kind == "video" and message.attachments.get().remote_id == "1002"


def test_a_voice_note_is_audio_flagged_as_voice(deliver):
    deliver("audio_voice")
    message = only_message()
    assert message.kind == "audio" and message.content["voice"] is True
    assert message.attachments.get().mime_type == "audio/ogg; codecs=opus"


def test_document_keeps_filename_and_caption(deliver):
    deliver("document")
    message = only_message()
    assert (message.kind, message.text) == ("document", "Mijn factuur")
    assert message.attachments.get().filename == "factuur-2026-001.pdf"


def test_sticker_is_a_sticker_attachment(deliver):
    deliver("sticker")
    message = only_message()
    assert message.kind == "sticker" and message.content["animated"] is False
    assert message.attachments.get().mime_type == "image/webp"


def test_location_has_coordinates_name_address_and_a_map_link(deliver):
    deliver("location")
    message = only_message()
    assert message.kind == "location"
    assert message.text == "Dam, Dam 1, 1012 JS Amsterdam"
    assert message.content["latitude"] == 52.3731 and message.content["longitude"] == 4.8922
    assert message.content["map_url"].startswith("https://www.openstreetmap.org/?mlat=52.3731&mlon=4.8922")


def test_shared_contact_cards_keep_names_phones_and_emails(deliver):
    deliver("contacts")
    message = only_message()
    assert message.kind == "contacts"
    first, second = message.content["contacts"]
    assert first["name"] == "Jürgen Müller" and first["organization"] == "Müller GmbH"
    assert first["phones"][0] == {"phone": "+49 151 23456789", "wa_id": "4915123456789", "type": "CELL"}
    assert first["emails"] == [{"email": "juergen@example.de", "type": "WORK"}]
    assert second["name"] == "Piet Jansen"
    assert message.text == "Jürgen Müller, Piet Jansen"


def test_a_button_reply_shows_the_title_and_keeps_the_id(deliver):
    deliver("interactive_button_reply")
    message = only_message()
    assert (message.kind, message.text) == ("interactive", "Ja, graag")
    assert message.content["type"] == "button_reply" and message.content["id"] == "confirm-yes"


def test_a_list_reply_shows_the_title_and_keeps_id_and_description(deliver):
    deliver("interactive_list_reply")
    message = only_message()
    assert message.text == "Dinsdag 10:00"
    assert message.content["id"] == "slot-2" and message.content["description"] == "Bezorging in de ochtend"


def test_a_flow_reply_keeps_the_parsed_response(deliver):
    deliver("interactive_nfm_reply")
    message = only_message()
    assert message.kind == "interactive" and message.content["type"] == "nfm_reply"
    assert message.content["response"] == {"flow_token": "abc", "order_number": "NL-1234", "reason": "damaged"}


def test_a_template_quick_reply_button_has_text_and_payload(deliver):
    deliver("button")
    message = only_message()
    assert (message.kind, message.text) == ("interactive", "Stop promoties")
    assert message.content["payload"] == "STOP_PROMOS"


def _our_reply_to_sanne(deliver) -> Message:
    deliver("text")
    conversation = Conversation.objects.get()
    return make_message(conversation, direction="out", text="Morgen!", external_id="wamid.OUTGOING.REPLY")


def test_a_reaction_is_shown_on_the_message_it_reacts_to_not_as_a_bubble(deliver):
    reply = _our_reply_to_sanne(deliver)
    deliver("reaction")
    reply.refresh_from_db()
    assert reply.reactions["contact"]["emoji"] == "👍"
    assert Message.objects.count() == 2  # no new bubble


def test_a_removed_reaction_is_removed_and_a_late_old_one_does_not_return(deliver):
    reply = _our_reply_to_sanne(deliver)
    deliver("reaction")
    deliver("reaction_removed")
    reply.refresh_from_db()
    assert reply.reactions["contact"]["emoji"] == ""
    # Meta redelivers the older reaction after the removal: it stays removed
    deliver("reaction")
    reply.refresh_from_db()
    assert reply.reactions["contact"]["emoji"] == ""


def test_an_order_lists_items_quantities_and_prices(deliver):
    deliver("order")
    message = only_message()
    assert message.kind == "order"
    assert message.content["catalog_id"] == "cat-77"
    assert message.content["items"][0] == {
        "product_retailer_id": "sku-1",
        "quantity": 2,
        "item_price": 12.5,
        "currency": "EUR",
    }
    assert message.content["total"] == 29.99 and message.content["currency"] == "EUR"
    assert message.text.startswith("Order: 3 items, total 29.99 EUR")


def test_a_changed_number_moves_the_identity_and_shows_a_system_message(deliver):
    deliver("text")
    deliver("system_changed_number")
    system = Message.objects.get(kind="system")
    assert system.sender_type == "system" and "changed their phone number" in system.text
    identity = ContactIdentity.objects.get()
    assert identity.external_id == "31687654321" and identity.phone == "+31687654321"
    assert identity.attributes["previous_external_ids"] == ["31612345678"]
    assert Contact.objects.get().phone == "+31687654321"
    assert system.conversation.last_customer_message_at == SENT_AT  # not a customer message


def test_a_number_change_from_another_inbox_leaves_the_customer_and_their_replies_alone(
    client, graph, wa_inbox, deliver, django_capture_on_commit_callbacks
):
    # given: Sanne writes to this inbox, and another WhatsApp inbox (its own number and app
    # secret) exists, whose customer she never was
    deliver("text")
    other = make_inbox(
        "whatsapp",
        external_id="106540352299999",
        credentials={"access_token": "other-token", "app_secret": "other-app-secret", "verify_token": "v"},
    )
    body = fixture_bytes("system_changed_number").replace(PHONE_NUMBER_ID.encode(), b"106540352299999")

    # when: the other inbox's correctly signed webhook says Sanne's number changed
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(client, other, body, signature=sign(body, "other-app-secret"))

    # then: accepted and stored, but Sanne's identity stays hers, and nothing shows in the other inbox
    assert response.status_code == 200
    assert WebhookEvent.objects.get(inbox=other).status == "processed"
    identity = ContactIdentity.objects.get()
    assert identity.external_id == "31612345678" and "previous_external_ids" not in identity.attributes
    assert Contact.objects.get().phone == "+31612345678"
    assert not Conversation.objects.filter(inbox=other).exists()
    # and this inbox's next reply still goes to her own number
    conversation = Conversation.objects.get(inbox=wa_inbox)
    Conversation.objects.filter(pk=conversation.pk).update(last_customer_message_at=timezone.now())
    conversation.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        reply_send(conversation=conversation, author=make_user("anna", inboxes=[wa_inbox]), text="Hoi Sanne")
    assert graph.sent()[-1].json["to"] == "31612345678"


def test_a_number_change_in_this_inbox_still_moves_a_customer_shared_with_another(deliver, wa_inbox):
    # given: Sanne writes to this inbox and to another one
    deliver("text")
    other = make_inbox("whatsapp")
    identity = ContactIdentity.objects.get()
    make_message(Conversation.objects.create(inbox=other, contact=identity.contact, identity=identity))
    # when: this inbox hears of her new number
    deliver("system_changed_number")
    # then: her one identity follows, for both inboxes
    assert ContactIdentity.objects.get().external_id == "31687654321"


def test_an_unsupported_type_is_kept_with_its_raw_payload(deliver):
    deliver("unsupported")
    message = only_message()
    assert message.kind == "unsupported"
    assert message.content["unsupported_type"] == "poll"
    assert message.content["raw"]["errors"][0]["code"] == 131051


def test_an_unknown_type_is_kept_as_unsupported_never_dropped(deliver):
    deliver("unknown_type")
    message = only_message()
    assert message.kind == "unsupported" and message.content["raw"]["hologram"] == {"shape": "cube"}


def test_a_batch_of_entries_changes_and_customers_gives_each_their_own_conversation(deliver):
    deliver("batch")
    by_id = {m.external_id: m for m in Message.objects.select_related("conversation__identity")}
    assert set(by_id) == {"wamid.BATCH.1", "wamid.BATCH.2", "wamid.BATCH.3", "wamid.BATCH.4"}
    assert Conversation.objects.count() == 3
    # contacts joined by wa_id, not by position (the payload lists them in another order)
    assert by_id["wamid.BATCH.1"].conversation.identity.display_name == "Kees Bakker"
    assert by_id["wamid.BATCH.2"].conversation.identity.display_name == "Anna Schmidt"
    assert by_id["wamid.BATCH.1"].conversation_id == by_id["wamid.BATCH.3"].conversation_id
    assert by_id["wamid.BATCH.4"].conversation.identity.display_name == "João Silva"


def test_a_reply_links_to_the_message_it_quotes(deliver):
    reply = _our_reply_to_sanne(deliver)
    deliver("context_reply")
    message = Message.objects.get(external_id__endswith="CTX")
    assert message.reply_to == reply
    assert message.content["context"]["id"] == "wamid.OUTGOING.REPLY"


def test_forwarded_flags_are_kept(deliver):
    deliver("forwarded")
    content = only_message().content
    assert content["forwarded"] is True and content["frequently_forwarded"] is True


def test_an_ad_referral_is_the_conversations_source_and_a_lead(deliver):
    deliver("referral")
    source = only_message().conversation.source
    assert source["lead"] is True and source["kind"] == "ad_referral"
    assert source["headline"] == "20% korting"
    assert source["source_url"] == "https://fb.me/3cr4Wqqkv"
    assert source["source_id"] == "120208853612345" and source["ctwa_clid"].startswith("ARAk")


def test_dutch_german_and_legacy_brazilian_numbers_become_e164_contacts(deliver):
    deliver("numbers_nl_de_br")
    phones = {i.external_id: (i.phone, i.contact.phone) for i in ContactIdentity.objects.select_related("contact")}
    assert phones["31612345678"] == ("+31612345678", "+31612345678")
    assert phones["4915123456789"] == ("+4915123456789", "+4915123456789")
    # the old 12-digit Brazilian id: the contact gets the full number with the ninth digit
    assert phones["551187654321"] == ("+5511987654321", "+5511987654321")


def test_a_legacy_brazilian_id_is_the_contact_already_known_by_the_full_number(
    deliver, graph, wa_inbox, django_capture_on_commit_callbacks
):
    known = make_contact(name="Maria (live chat)", phone="+5511987654321")
    deliver("numbers_nl_de_br")
    identity = ContactIdentity.objects.get(external_id="551187654321")
    assert identity.contact == known
    # and replies go to the id exactly as WhatsApp sent it
    from inbox.replies import reply_send
    from tests.factories import make_user

    conversation = Conversation.objects.get(identity=identity)
    conversation.last_customer_message_at = conversation.last_customer_message_at.now(tz=UTC)
    conversation.save()
    with django_capture_on_commit_callbacks(execute=True):
        reply_send(conversation=conversation, author=make_user(inboxes=[wa_inbox]), text="Olá Maria")
    assert graph.sent()[-1].json["to"] == "551187654321"


def test_a_mexican_521_id_is_the_contact_known_by_the_plus52_number(deliver):
    known = make_contact(name="Luis", phone="+525512345678")
    deliver("mexico")
    identity = ContactIdentity.objects.get()
    assert identity.contact == known and identity.external_id == "5215512345678"


def test_emoji_umlauts_at_sign_and_right_to_left_text_arrive_intact(deliver):
    deliver("unicode")
    message = only_message()
    assert message.text == "Grüße aus Köln 😊🇳🇱 mail me: klant@example.nl — مرحبا שלום a/b <tag> 100%"
    assert message.conversation.identity.display_name == "Jürgen Öztürk"


def test_a_4096_character_text_is_stored_whole(deliver):
    deliver("long_text")
    message = only_message()
    assert len(message.text) == 4096 and message.text.endswith("👋")


def test_a_username_user_without_a_phone_number_is_a_contact_too(deliver):
    deliver("username_user")
    identity = only_message().conversation.identity
    assert identity.external_id == "NL.13491208655302741918" and identity.display_name == "Noor"
    assert identity.phone == "" and identity.contact.phone == ""
