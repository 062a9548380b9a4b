"""Fuzzing the webhook parsers: payloads shaped like Meta's, with every leaf drawn from right and
wrong types (strings where numbers go, lists where objects go, nulls, huge and hostile text).

Whatever arrives, signed: the answer is 200 (stored, then processed without a crash) or 400
(nothing stored), never a 500, and a stored event never ends `failed` because our parser
choked. Hypothesis shrinks any failure to the smallest payload that shows it.
"""

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.models import WebhookEvent
from tests.channels_messenger.fakes import APP_SECRET as MESSENGER_SECRET
from tests.channels_messenger.fakes import PAGE_ID, PSID
from tests.channels_messenger.fakes import sign as messenger_sign
from tests.channels_whatsapp.fakes import APP_SECRET as WA_SECRET
from tests.channels_whatsapp.fakes import PHONE_NUMBER_ID
from tests.channels_whatsapp.fakes import sign as whatsapp_sign
from tests.factories import make_inbox
from tests.meta_graph import post_signed

pytestmark = pytest.mark.django_db

FUZZ = settings(
    # 120 per run in the suite; `FUZZ_EXAMPLES=5000 make test PYTEST_ARGS=tests/webcare/test_fuzz_webhooks.py`
    # digs deeper (and may then draw random examples, as derandomize is off for long runs).
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize="FUZZ_EXAMPLES" not in os.environ,  # the suite sees the same examples on every run
)

hostile_text = st.sampled_from(
    ["", "<script>alert(1)</script>", "\u202e\u0000\x1b[31m", "😀" * 50, "x" * 5000, "javascript:alert(1)", "٣٤٥"]
)
leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20) | hostile_text
anything = st.recursive(
    leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def maybe(right):
    """Mostly the right shape, sometimes anything at all."""
    return st.one_of(right, right, right, anything)


def fields(required: dict, optional: dict) -> st.SearchStrategy:
    return st.fixed_dictionaries(
        {k: maybe(v) for k, v in required.items()}, optional={k: maybe(v) for k, v in optional.items()}
    )


timestamp = st.integers(min_value=0, max_value=2**40).map(str)
wa_media = fields(
    {"id": st.text(max_size=12)},
    {
        "mime_type": st.text(max_size=20),
        "sha256": st.text(max_size=20),
        "caption": hostile_text,
        "filename": hostile_text,
        "voice": st.booleans(),
    },
)
wa_message = fields(
    {
        "from": st.sampled_from(["31612345678", "4915123456789", "5511987654321", ""]),
        "id": st.text(min_size=1, max_size=20).map(lambda s: "wamid." + s),
        "timestamp": timestamp,
        "type": st.sampled_from(
            [
                "text",
                "image",
                "audio",
                "video",
                "document",
                "sticker",
                "location",
                "contacts",
                "interactive",
                "button",
                "reaction",
                "order",
                "system",
                "unsupported",
                "request_welcome",
                "ephemeral",
                "zzz",
            ]
        ),
    },
    {
        "text": fields({"body": hostile_text}, {}),
        "image": wa_media,
        "audio": wa_media,
        "video": wa_media,
        "document": wa_media,
        "sticker": wa_media,
        "location": fields(
            {"latitude": st.floats(allow_nan=False), "longitude": st.floats(allow_nan=False)},
            {"name": hostile_text, "address": hostile_text},
        ),
        "contacts": st.lists(
            fields(
                {"name": fields({"formatted_name": hostile_text}, {})},
                {"phones": st.lists(fields({"phone": st.text(max_size=15)}, {}), max_size=2)},
            ),
            max_size=2,
        ),
        "interactive": fields(
            {"type": st.sampled_from(["button_reply", "list_reply", "nfm_reply", "x"])},
            {
                "button_reply": fields({"id": st.text(max_size=5), "title": hostile_text}, {}),
                "list_reply": fields({"id": st.text(max_size=5), "title": hostile_text}, {}),
                "nfm_reply": fields({"response_json": st.text(max_size=30)}, {}),
            },
        ),
        "button": fields({"text": hostile_text, "payload": st.text(max_size=10)}, {}),
        "reaction": fields({"message_id": st.text(max_size=12), "emoji": st.sampled_from(["👍", "", "❤️"])}, {}),
        "order": fields(
            {
                "product_items": st.lists(
                    fields(
                        {
                            "product_retailer_id": st.text(max_size=6),
                            "quantity": st.integers(),
                            "item_price": st.floats(allow_nan=False),
                            "currency": st.text(max_size=3),
                        },
                        {},
                    ),
                    max_size=2,
                )
            },
            {},
        ),
        "system": fields(
            {"body": hostile_text, "type": st.sampled_from(["user_changed_number", "x"])},
            {"wa_id": st.text(max_size=15)},
        ),
        "context": fields({"id": st.text(max_size=12)}, {"from": st.text(max_size=12), "forwarded": st.booleans()}),
        "referral": fields(
            {"source_url": st.sampled_from(["https://fb.me/x", "javascript:alert(1)", ""]), "headline": hostile_text},
            {},
        ),
        "errors": st.lists(anything, max_size=2),
    },
)
wa_status = fields(
    {
        "id": st.text(max_size=12),
        "status": st.sampled_from(["sent", "delivered", "read", "failed", "deleted", "x"]),
        "timestamp": timestamp,
        "recipient_id": st.text(max_size=12),
    },
    {
        "errors": st.lists(
            fields(
                {"code": st.integers(), "title": hostile_text}, {"error_data": fields({"details": hostile_text}, {})}
            ),
            max_size=2,
        )
    },
)
wa_value = fields(
    {
        "messaging_product": st.just("whatsapp"),
        "metadata": fields(
            {"phone_number_id": st.just(PHONE_NUMBER_ID)}, {"display_phone_number": st.text(max_size=12)}
        ),
    },
    {
        "contacts": st.lists(
            fields(
                {"wa_id": st.text(max_size=15)},
                {"profile": fields({"name": hostile_text}, {}), "user_id": st.text(max_size=12)},
            ),
            max_size=2,
        ),
        "messages": st.lists(wa_message, max_size=3),
        "statuses": st.lists(wa_status, max_size=2),
        "errors": st.lists(anything, max_size=2),
    },
)
wa_payload = st.fixed_dictionaries(
    {
        "object": st.just("whatsapp_business_account"),
        "entry": st.lists(
            fields(
                {
                    "id": st.text(max_size=8),
                    "changes": st.lists(
                        fields({"field": st.sampled_from(["messages", "x"]), "value": wa_value}, {}), max_size=2
                    ),
                },
                {},
            ),
            max_size=2,
        ),
    }
)

ms = st.integers(min_value=0, max_value=2**45)
msgr_message = fields(
    {"mid": st.text(min_size=1, max_size=12).map(lambda s: "m_" + s)},
    {
        "text": hostile_text,
        "is_echo": st.booleans(),
        "metadata": st.text(max_size=20),
        "quick_reply": fields({"payload": st.text(max_size=10)}, {}),
        "reply_to": fields({"mid": st.text(max_size=10)}, {}),
        "attachments": st.lists(
            fields(
                {"type": st.sampled_from(["image", "video", "audio", "file", "fallback", "template", "x"])},
                {
                    "payload": fields(
                        {},
                        {
                            "url": st.sampled_from(["https://cdn.fbsbx.com/a.jpg", "javascript:x", ""]),
                            "sticker_id": st.integers(),
                            "title": hostile_text,
                        },
                    )
                },
            ),
            max_size=3,
        ),
    },
)
msgr_event = fields(
    {
        "sender": fields({"id": st.sampled_from([PSID, PAGE_ID, ""])}, {}),
        "recipient": fields({"id": st.sampled_from([PAGE_ID, PSID])}, {}),
        "timestamp": ms,
    },
    {
        "message": msgr_message,
        "postback": fields({"title": hostile_text, "payload": st.text(max_size=10)}, {"mid": st.text(max_size=10)}),
        "reaction": fields(
            {"mid": st.text(max_size=10), "action": st.sampled_from(["react", "unreact", "x"])},
            {"emoji": st.sampled_from(["❤", ""])},
        ),
        "delivery": fields({"watermark": ms}, {"mids": st.lists(st.text(max_size=8), max_size=2)}),
        "read": fields({"watermark": ms}, {}),
        "referral": fields(
            {"ref": st.text(max_size=10), "source": st.sampled_from(["SHORTLINK", "ADS", "CUSTOMER_CHAT_PLUGIN", "x"])},
            {"ad_id": st.text(max_size=8)},
        ),
        "optin": fields({"ref": st.text(max_size=10)}, {"user_ref": st.text(max_size=10)}),
    },
)
msgr_payload = st.fixed_dictionaries(
    {
        "object": st.sampled_from(["page", "page", "instagram"]),
        "entry": st.lists(
            fields(
                {"id": st.just(PAGE_ID), "time": ms},
                {"messaging": st.lists(msgr_event, max_size=3), "standby": st.lists(msgr_event, max_size=2)},
            ),
            max_size=2,
        ),
    }
)


def assert_survives(client, inbox, body: bytes, signature: str) -> None:
    before = WebhookEvent.objects.count()
    response = post_signed(client, inbox, body, signature=signature)
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert WebhookEvent.objects.count() == before
        return
    event = WebhookEvent.objects.order_by("-id").first()
    assert event.status != "failed", f"processing crashed: {event.error[:800]}"


@pytest.fixture
def wa_inbox(db):
    return make_inbox("whatsapp", external_id=PHONE_NUMBER_ID, credentials={"app_secret": WA_SECRET})


@pytest.fixture
def page_inbox(db):
    return make_inbox("messenger", external_id=PAGE_ID, credentials={"app_secret": MESSENGER_SECRET})


@FUZZ
@given(payload=wa_payload)
def test_whatsapp_webhook_never_crashes(client, wa_inbox, payload):
    body = json.dumps(payload).encode()
    assert_survives(client, wa_inbox, body, whatsapp_sign(body))


@FUZZ
@given(payload=msgr_payload)
def test_messenger_webhook_never_crashes(client, page_inbox, payload):
    body = json.dumps(payload).encode()
    assert_survives(client, page_inbox, body, messenger_sign(body))


@FUZZ
@given(body=st.binary(max_size=300) | anything.map(lambda v: json.dumps(v).encode()))
def test_any_signed_bytes_get_200_or_400(client, wa_inbox, body):
    assert_survives(client, wa_inbox, body, whatsapp_sign(body))
