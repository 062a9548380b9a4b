"""The Messenger parser alone: pure functions, no database."""

from datetime import UTC, datetime

from channels_messenger.parser import Ignored, event_parse, payload_parse, placeholder_name
from inbox.normalized import InboundMessage, OutboundEcho, Reaction, StatusWatermark

PAGE = "108123456789012"


def _event(**body):
    return {"sender": {"id": "6512345678901234"}, "recipient": {"id": PAGE}, "timestamp": 1795000000000, **body}


def test_timestamps_are_milliseconds_and_second_strings_are_read_too():
    ms = event_parse(_event(message={"mid": "m1", "text": "a"}))
    seconds = event_parse({**_event(message={"mid": "m2", "text": "b"}), "timestamp": "1795000000"})
    assert ms.timestamp == seconds.timestamp == datetime.fromtimestamp(1795000000, tz=UTC)


def test_entries_of_other_pages_and_other_objects_are_skipped():
    payload = {"object": "page", "entry": [{"id": "999", "messaging": [_event(message={"mid": "m", "text": "x"})]}]}
    assert payload_parse(payload, page_id=PAGE) == []
    assert payload_parse({**payload, "object": "instagram"}) == []


def test_a_message_nobody_can_read_is_kept_as_unsupported_with_its_raw_payload():
    item = event_parse(_event(message={"mid": "m_poll", "attachments": [{"type": "ig_poll"}]}))
    assert isinstance(item, InboundMessage) and item.kind == "unsupported" and item.content["raw"]["mid"] == "m_poll"
    empty = event_parse(_event(message={"mid": "m_empty"}))
    assert empty.kind == "unsupported" and empty.content["raw"] == {"mid": "m_empty"}


def test_each_event_becomes_its_dataclass():
    assert isinstance(event_parse(_event(reaction={"mid": "m1", "action": "react", "reaction": "like"})), Reaction)
    assert isinstance(event_parse(_event(read={"watermark": 1795000000000})), StatusWatermark)
    echo = event_parse(
        {"sender": {"id": PAGE}, "recipient": {"id": "65"}, "message": {"is_echo": True, "mid": "m", "text": "t"}}
    )
    assert isinstance(echo, OutboundEcho) and echo.recipient.external_id == "65" and echo.reference is None
    assert isinstance(event_parse(_event(account_linking={"status": "linked"})), Ignored)


def test_a_reaction_without_emoji_uses_the_named_reaction_and_unreact_clears_it():
    liked = event_parse(_event(reaction={"mid": "m1", "action": "react", "reaction": "like"}))
    assert liked.emoji == "👍"
    removed = event_parse(_event(reaction={"mid": "m1", "action": "unreact"}))
    assert removed.emoji == ""


def test_our_reference_is_read_from_the_echo_metadata_and_nothing_else():
    def echo(metadata):
        return event_parse(
            {
                "sender": {"id": PAGE},
                "recipient": {"id": "65"},
                "message": {"is_echo": True, "mid": "m", "metadata": metadata},
            }
        )

    assert echo("webcare:42").reference == 42
    assert echo("webcare:abc").reference is None and echo("other:42").reference is None


def test_the_placeholder_name_shows_the_last_four_digits():
    assert placeholder_name("6512345678901234") == "Messenger user …1234"
    assert placeholder_name("") == "Messenger user"
