"""The pure WhatsApp parser: payload dict -> dataclasses, no database, no network."""

import copy
import json
from datetime import UTC, datetime

import pytest

from channels_whatsapp.parser import IdentityChange, PlatformError, Reaction, payload_parse, payload_shape_valid
from inbox.normalized import InboundMessage, StatusUpdate
from tests.channels_whatsapp.fakes import PHONE_NUMBER_ID, fixture_bytes


def payload(name: str) -> dict:
    return json.loads(fixture_bytes(name))


def envelope(value: dict, *, phone_number_id: str = PHONE_NUMBER_ID, field: str = "messages") -> dict:
    metadata = {"display_phone_number": "31201234567", "phone_number_id": phone_number_id}
    value = {"messaging_product": "whatsapp", "metadata": metadata, **value}
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": field, "value": value}]}],
    }


def customer_message(**fields) -> dict:
    return {"from": "31612345678", "id": "wamid.PARSER.1", "timestamp": "1767261600", **fields}


@pytest.mark.smoke
def test_timestamps_are_the_payloads_unix_seconds_as_aware_utc():
    [message] = payload_parse(payload("text"), phone_number_id=PHONE_NUMBER_ID)
    assert isinstance(message, InboundMessage)
    assert message.timestamp.tzinfo is not None and message.timestamp.utcoffset().total_seconds() == 0
    seconds = int(payload("text")["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"])
    assert message.timestamp == datetime.fromtimestamp(seconds, tz=UTC)


@pytest.mark.smoke
def test_contacts_are_joined_to_messages_by_wa_id_not_by_position():
    body = envelope(
        {
            "contacts": [
                {"profile": {"name": "Second"}, "wa_id": "4915122222222"},
                {"profile": {"name": "First"}, "wa_id": "31611111111"},
            ],
            "messages": [
                customer_message(**{"from": "31611111111", "id": "wamid.A", "type": "text", "text": {"body": "a"}}),
                customer_message(**{"from": "4915122222222", "id": "wamid.B", "type": "text", "text": {"body": "b"}}),
            ],
        }
    )
    first, second = payload_parse(body, phone_number_id=PHONE_NUMBER_ID)
    assert (first.sender.external_id, first.sender.display_name, first.sender.phone) == (
        "31611111111",
        "First",
        "+31611111111",
    )
    assert (second.sender.display_name, second.sender.phone) == ("Second", "+4915122222222")


def test_a_username_user_is_known_by_the_business_scoped_user_id_and_has_no_phone():
    [message] = payload_parse(payload("username_user"), phone_number_id=PHONE_NUMBER_ID)
    assert message.sender.external_id == "NL.13491208655302741918"
    assert message.sender.phone == ""


def test_changes_for_another_phone_number_or_another_field_are_skipped():
    text = {"messages": [customer_message(type="text", text={"body": "hi"})]}
    assert payload_parse(envelope(text, phone_number_id="999"), phone_number_id=PHONE_NUMBER_ID) == []
    assert payload_parse(envelope(text, field="account_update"), phone_number_id=PHONE_NUMBER_ID) == []
    assert len(payload_parse(envelope(text), phone_number_id=PHONE_NUMBER_ID)) == 1


def test_a_known_type_with_a_broken_body_is_kept_as_unsupported_with_its_raw_payload():
    broken = customer_message(type="image", image={"caption": "no media id"})
    [message] = payload_parse(envelope({"messages": [broken]}), phone_number_id=PHONE_NUMBER_ID)
    assert message.kind == "unsupported" and message.text == ""
    assert message.content["raw"] == broken


def test_a_location_without_name_or_address_is_shown_as_its_coordinates():
    place = customer_message(type="location", location={"latitude": 52.37, "longitude": 4.89})
    [message] = payload_parse(envelope({"messages": [place]}), phone_number_id=PHONE_NUMBER_ID)
    assert message.kind == "location" and message.text == "52.37, 4.89"
    assert "52.37" in message.content["map_url"] and "4.89" in message.content["map_url"]


def test_reactions_are_their_own_items_and_an_empty_emoji_is_a_removal():
    [reaction] = payload_parse(payload("reaction"), phone_number_id=PHONE_NUMBER_ID)
    [removal] = payload_parse(payload("reaction_removed"), phone_number_id=PHONE_NUMBER_ID)
    assert isinstance(reaction, Reaction) and reaction.emoji and reaction.target_external_id
    assert isinstance(removal, Reaction) and removal.emoji == ""


def test_a_changed_number_is_an_identity_change_carrying_a_system_message():
    [change] = payload_parse(payload("system_changed_number"), phone_number_id=PHONE_NUMBER_ID)
    assert isinstance(change, IdentityChange)
    assert change.message.kind == "system" and change.message.text
    assert change.new_phone == f"+{change.new_external_id}"


def test_value_errors_are_platform_errors_not_messages():
    [error] = payload_parse(payload("value_errors"), phone_number_id=PHONE_NUMBER_ID)
    assert isinstance(error, PlatformError)
    assert error.code == 130429 and error.details == "Cloud API message throughput has been reached."


def test_a_failed_status_carries_the_code_and_a_reason_in_plain_words():
    [status] = payload_parse(payload("status_failed"), phone_number_id=PHONE_NUMBER_ID)
    assert isinstance(status, StatusUpdate)
    assert (status.external_id, status.status, status.error_code) == ("wamid.OUT.1", "failed", "131047")
    # the agent reads words, not Meta's bare title
    assert "24 hours" in status.error and status.error != "Re-engagement message"


def test_unknown_statuses_are_ignored_and_statuses_keep_their_payload_order():
    statuses = payload("statuses_out_of_order")
    items = payload_parse(statuses, phone_number_id=PHONE_NUMBER_ID)
    raw = statuses["entry"][0]["changes"][0]["value"]["statuses"]
    assert [item.status for item in items] == [s["status"] for s in raw]

    odd = copy.deepcopy(statuses)
    odd["entry"][0]["changes"][0]["value"]["statuses"] = [{"id": "wamid.X", "status": "warning", "timestamp": "1"}]
    assert payload_parse(odd, phone_number_id=PHONE_NUMBER_ID) == []


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({"object": "whatsapp_business_account", "entry": []}, True),
        ({"object": "page", "entry": []}, False),
        ({"object": "whatsapp_business_account"}, False),
        ([], False),
    ],
)
def test_only_the_whatsapp_business_account_envelope_is_accepted(body, valid):
    assert payload_shape_valid(body) is valid
