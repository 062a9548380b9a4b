"""While the database is unreachable every request gets a 503 with Retry-After (never a 500),
a webhook is not acknowledged (so Meta retries it), and service resumes by itself."""

import pytest

from inbox.models import WebhookEvent
from tests.channels_whatsapp.fakes import fixture_bytes, sign
from tests.factories import make_inbox, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_requests_get_503_while_the_database_is_down_and_work_again_after(on_postgres, database_down):
    from django.test import Client

    down, up = database_down
    client = Client(raise_request_exception=False)  # as a real server: errors become responses
    inbox = make_inbox("whatsapp", external_id="106540352242922", credentials={"app_secret": "wa-app-secret-é"})
    agent = make_user("anna", inboxes=[inbox])
    client.force_login(agent)
    body = fixture_bytes("text")

    down()
    for response in (
        client.get("/"),
        client.get("/api/v1/conversations/"),
        client.post(inbox.webhook_path, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=sign(body)),
    ):
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert b"Traceback" not in response.content

    up()
    assert client.get("/").status_code == 200
    webhook = client.post(
        inbox.webhook_path, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=sign(body)
    )
    assert webhook.status_code == 200
    assert WebhookEvent.objects.count() == 1  # stored once, when it could be
