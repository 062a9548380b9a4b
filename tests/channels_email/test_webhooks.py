"""Provider inbound webhooks (django-anymail): signature checked, into the same path as IMAP."""

import base64
import hashlib
import hmac
import json
import time
import uuid
from email.message import EmailMessage

import pytest

from channels_email.models import RawEmail
from inbox.models import Conversation, Message

from .conftest import fixture_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def hooked_inbox(email_inbox):
    email_inbox.credentials = {
        **email_inbox.credentials,
        "inbound_webhook_secret": "acme:hook-secret",
        "mailgun_signing_key": "mg-signing-key",
    }
    email_inbox.save()
    return email_inbox


def _basic(user_pass: str) -> str:
    return "Basic " + base64.b64encode(user_pass.encode()).decode()


def _postmark(raw: bytes) -> str:
    # Postmark's inbound JSON with "Include raw email content" on (what we ask users to enable).
    return json.dumps({
        "FromFull": {"Email": "emily.carter@gmail.example", "Name": "Emily Carter"},
        "ToFull": [{"Email": "support@acme.test", "Name": ""}],
        "Subject": "Re: Your order #10442",
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "TextBody": "Hi Anna",
        "Headers": [],
        "Attachments": [],
        "RawEmail": raw.decode(),
    })  # fmt: skip


def test_a_postmark_inbound_email_lands_like_one_from_imap_and_a_retry_is_stored_once(client, hooked_inbox):
    url = f"/webhooks/email/{hooked_inbox.public_key}/postmark/"
    body = _postmark(fixture_bytes("gmail_en_reply.eml"))

    first = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=_basic("acme:hook-secret"))
    again = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=_basic("acme:hook-secret"))

    assert (first.status_code, again.status_code) == (200, 200)
    message = Message.objects.get()
    assert message.text.startswith("Hi Anna,") and message.content["email"]["quoted"].startswith("On Mon")
    assert RawEmail.objects.get().source == "webhook"


def test_wrong_credentials_are_403_and_nothing_is_stored(client, hooked_inbox):
    url = f"/webhooks/email/{hooked_inbox.public_key}/postmark/"
    body = _postmark(fixture_bytes("gmail_en_reply.eml"))

    wrong = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=_basic("acme:guess"))
    missing = client.post(url, body, content_type="application/json")

    assert (wrong.status_code, missing.status_code) == (403, 403)
    assert not RawEmail.objects.exists() and not Conversation.objects.exists()


def test_a_mailgun_inbound_email_is_checked_by_its_signature(client, hooked_inbox):
    url = f"/webhooks/email/{hooked_inbox.public_key}/mailgun/"
    # A token is taken once, and the shared cache (Redis) outlives the test database: a token
    # of its own each run, as Mailgun's are
    timestamp, token = str(int(time.time())), uuid.uuid4().hex + uuid.uuid4().hex[:18]
    signature = hmac.new(b"mg-signing-key", (timestamp + token).encode(), hashlib.sha256).hexdigest()
    fields = {"timestamp": timestamp, "token": token, "signature": signature,
              "body-mime": fixture_bytes("outlook_nl_cc_latin1.eml").decode("latin-1")}  # fmt: skip
    auth = _basic("acme:hook-secret")

    forged = client.post(url, {**fields, "signature": "0" * 64}, HTTP_AUTHORIZATION=auth)
    signed = client.post(url, fields, HTTP_AUTHORIZATION=auth)

    assert (forged.status_code, signed.status_code) == (403, 200)
    assert Message.objects.get().content["email"]["cc"] == ["s.bakker@bedrijf.example"]


def test_an_unknown_inbox_or_provider_is_404(client, hooked_inbox):
    assert client.post("/webhooks/email/nope/postmark/", "{}", content_type="application/json").status_code == 404
    assert client.post(f"/webhooks/email/{hooked_inbox.public_key}/carrier-pigeon/").status_code == 404


def test_a_sendgrid_inbound_parse_with_the_raw_mime_lands_in_the_inbox(client, hooked_inbox):
    url = f"/webhooks/email/{hooked_inbox.public_key}/sendgrid/"
    raw = fixture_bytes("gmail_en_reply.eml").decode()
    # SendGrid's Inbound Parse with "POST the raw, full MIME message" on: multipart form fields.
    form = {
        "email": raw,
        "envelope": json.dumps({"to": ["support@acme.test"], "from": "emily.carter@gmail.example"}),
        "charsets": json.dumps({"to": "UTF-8", "from": "UTF-8", "subject": "UTF-8"}),
    }

    refused = client.post(url, form, HTTP_AUTHORIZATION=_basic("acme:wrong"))
    assert refused.status_code == 403 and not RawEmail.objects.exists()
    accepted = client.post(url, form, HTTP_AUTHORIZATION=_basic("acme:hook-secret"))

    assert accepted.status_code == 200
    message = Message.objects.get()
    assert message.text.startswith("Hi Anna,") and message.conversation.contact.email == "emily.carter@gmail.example"


def _sns(raw: bytes, *, message_id: str = "sns-1") -> dict:
    ses_event = {
        "notificationType": "Received",
        "mail": {"source": "emily.carter@gmail.example", "destination": ["support@acme.test"]},
        "receipt": {"recipients": ["support@acme.test"], "action": {"type": "SNS", "encoding": "BASE64"}},
        "content": base64.b64encode(raw).decode(),
    }
    return {
        "Type": "Notification",
        "MessageId": message_id,
        "TopicArn": "arn:aws:sns:eu-west-1:111122223333:inbound",
        "Message": json.dumps(ses_event),
        "Timestamp": "2026-12-03T10:00:00.000Z",
    }


def test_an_amazon_ses_inbound_notification_lands_in_the_inbox_and_mismatched_headers_are_refused(client, hooked_inbox):
    url = f"/webhooks/email/{hooked_inbox.public_key}/amazon_ses/"
    body = json.dumps(_sns(fixture_bytes("gmail_en_reply.eml")))
    auth = _basic("acme:hook-secret")

    # SNS names the message in its headers and in the body: a body that does not match is refused.
    tampered = client.post(
        url, body, content_type="text/plain", HTTP_AUTHORIZATION=auth,
        HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification", HTTP_X_AMZ_SNS_MESSAGE_ID="sns-other",
    )  # fmt: skip
    wrong_auth = client.post(
        url, body, content_type="text/plain", HTTP_AUTHORIZATION=_basic("acme:nope"),
        HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification", HTTP_X_AMZ_SNS_MESSAGE_ID="sns-1",
    )  # fmt: skip
    assert (tampered.status_code, wrong_auth.status_code) == (403, 403) and not RawEmail.objects.exists()
    accepted = client.post(
        url, body, content_type="text/plain", HTTP_AUTHORIZATION=auth,
        HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification", HTTP_X_AMZ_SNS_MESSAGE_ID="sns-1",
    )  # fmt: skip

    assert accepted.status_code == 200
    message = Message.objects.get()
    assert message.text.startswith("Hi Anna,") and RawEmail.objects.get().source == "webhook"


TOPIC = "arn:aws:sns:eu-west-1:111122223333:inbound"
SUBSCRIBE_URL = (
    "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + TOPIC + "&Token=2336412f37fb6"
)


@pytest.fixture
def sns_fetches(monkeypatch):
    """Amazon SNS is an outside service: its HTTPS requests are answered here, at requests'
    transport, and recorded."""
    import requests
    from requests.adapters import HTTPAdapter

    fetched = []

    def send(adapter, request, **kwargs):
        fetched.append(request.url)
        response = requests.Response()
        response.status_code, response.url, response.request = 200, request.url, request
        response._content = (
            b"<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>"
            + (TOPIC + ":b1e2").encode()
            + b"</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>"
        )
        return response

    monkeypatch.setattr(HTTPAdapter, "send", send)
    return fetched


def _confirmation(**overrides) -> dict:
    return {
        "Type": "SubscriptionConfirmation",
        "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        "Token": "2336412f37fb6",
        "TopicArn": TOPIC,
        "Message": "You have chosen to subscribe to the topic " + TOPIC + ".",
        "SubscribeURL": SUBSCRIBE_URL,
        "Timestamp": "2026-12-03T10:00:00.000Z",
        **overrides,
    }


def _post_sns(client, inbox, body: dict, auth: str | None = "acme:hook-secret"):
    headers = {"HTTP_X_AMZ_SNS_MESSAGE_TYPE": body["Type"], "HTTP_X_AMZ_SNS_MESSAGE_ID": body["MessageId"]}
    if auth:
        headers["HTTP_AUTHORIZATION"] = _basic(auth)
    return client.post(
        f"/webhooks/email/{inbox.public_key}/amazon_ses/", json.dumps(body), content_type="text/plain", **headers
    )


def test_sns_asks_for_basic_auth_with_a_401_then_the_subscription_is_confirmed(client, hooked_inbox, sns_fetches):
    challenge = _post_sns(client, hooked_inbox, _confirmation(), auth=None)
    assert challenge.status_code == 401 and challenge["WWW-Authenticate"].startswith("Basic ")
    wrong = _post_sns(client, hooked_inbox, _confirmation(), auth="acme:guess")
    assert wrong.status_code == 403 and sns_fetches == []

    confirmed = _post_sns(client, hooked_inbox, _confirmation())

    assert confirmed.status_code == 200
    assert sns_fetches == [SUBSCRIBE_URL]
    assert not RawEmail.objects.exists()


def test_only_the_expected_topic_is_confirmed_when_the_inbox_names_one(client, hooked_inbox, sns_fetches):
    hooked_inbox.config = {**hooked_inbox.config, "ses_topic_arn": "arn:aws:sns:eu-west-1:111122223333:other"}
    hooked_inbox.save()

    refused = _post_sns(client, hooked_inbox, _confirmation())

    assert refused.status_code == 403 and sns_fetches == []
    hooked_inbox.config = {**hooked_inbox.config, "ses_topic_arn": TOPIC}
    hooked_inbox.save()
    assert _post_sns(client, hooked_inbox, _confirmation()).status_code == 200 and sns_fetches == [SUBSCRIBE_URL]


@pytest.mark.parametrize(
    "url",
    [
        SUBSCRIBE_URL.replace("https://", "http://"),
        SUBSCRIBE_URL.replace("sns.eu-west-1.amazonaws.com", "sns.eu-west-1.amazonaws.com.evil.example"),
        SUBSCRIBE_URL.replace("sns.eu-west-1.amazonaws.com", "169.254.169.254"),
        SUBSCRIBE_URL.replace("sns.eu-west-1.amazonaws.com", "sns.us-east-1.amazonaws.com"),
        SUBSCRIBE_URL.replace("sns.eu-west-1", "user@sns.eu-west-1"),
        SUBSCRIBE_URL.replace("ConfirmSubscription", "Unsubscribe"),
    ],
    ids=["http", "lookalike-host", "metadata-ip", "other-region", "userinfo", "other-action"],
)
def test_a_subscribe_url_that_is_not_amazon_sns_is_never_fetched(client, hooked_inbox, sns_fetches, url):
    response = _post_sns(client, hooked_inbox, _confirmation(SubscribeURL=url))

    assert response.status_code == 400 and sns_fetches == []


def _with_attachment(size: int) -> bytes:
    """A customer's email with a photo of `size` bytes, as a mail client writes it (base64)."""
    mail = EmailMessage()
    mail["From"], mail["To"] = "Emily Carter <emily.carter@gmail.example>", "support@acme.test"
    mail["Subject"], mail["Message-ID"] = "The broken lamp", "<lamp-photo@gmail.example>"
    mail.set_content("Hi, a photo of the lamp as it arrived.")
    mail.add_attachment(bytes(range(256)) * (size // 256), maintype="image", subtype="jpeg", filename="lamp.jpg")
    return mail.as_bytes()


def test_an_email_with_a_large_photo_is_taken_by_the_webhook_like_by_imap(client, hooked_inbox, settings):
    # A phone photo of a few MB is an everyday attachment; the other webhooks' 2.5 MB limit
    # would refuse it with 413 and the provider would give up on it after its retries.
    raw = _with_attachment(4 * 1024 * 1024)
    body = _postmark(raw)
    assert len(body) > settings.WEBCARE_WEBHOOK_MAX_BYTES
    url = f"/webhooks/email/{hooked_inbox.public_key}/postmark/"

    response = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=_basic("acme:hook-secret"))

    assert response.status_code == 200
    message = Message.objects.get()
    assert message.text.startswith("Hi, a photo of the lamp")
    assert [a.filename for a in message.attachments.all()] == ["lamp.jpg"]


def test_a_body_over_the_email_webhook_limit_is_413_and_nothing_is_stored(client, hooked_inbox, settings):
    url = f"/webhooks/email/{hooked_inbox.public_key}/postmark/"
    response = client.post(
        url,
        data=b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(settings.WEBCARE_EMAIL_WEBHOOK_MAX_BYTES + 1),
        HTTP_AUTHORIZATION=_basic("acme:hook-secret"),
    )
    assert response.status_code == 413 and not RawEmail.objects.exists()
