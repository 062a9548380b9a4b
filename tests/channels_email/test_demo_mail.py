"""The demo's mail page: an incoming email simulated from a form, the demo's replies (files)
listed and read, escaped; only for leads and admins, and only with a demo email inbox."""

import pytest

from inbox.models import Conversation, Inbox, Message
from inbox.replies import reply_send
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_inbox(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return Inbox.objects.create(
        kind="email",
        name="Support mail",
        external_id="support@webcare-demo.test",
        demo=True,
        config={"address": "support@webcare-demo.test", "company": "Webcare Demo", "smtp_backend": "file"},
    )


def test_a_lead_simulates_an_email_and_reads_the_reply_the_demo_wrote(
    client, demo_inbox, django_capture_on_commit_callbacks
):
    lead = make_user("lena", role="lead", inboxes=[demo_inbox])
    client.force_login(lead)

    response = client.post(
        "/email/demo/",
        {"inbox": demo_inbox.pk, "sender": "pieter@bedrijf.example", "name": "Pieter", "subject": "Factuur",
         "text": "Kunnen jullie de factuur <script>x</script> sturen?"},
    )  # fmt: skip
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.conversation.inbox == demo_inbox and message.text.startswith("Kunnen jullie de factuur")
    assert message.conversation.contact.email == "pieter@bedrijf.example"

    with django_capture_on_commit_callbacks(execute=True):
        reply_send(conversation=Conversation.objects.get(), author=lead, text="Hier is hij: <b>10877</b>")

    page = client.get("/email/demo/").content.decode()
    assert "Re: Factuur" in page and "pieter@bedrijf.example" in page
    link = page.split('href="/email/demo/sent/', 1)[1].split('"', 1)[0]
    shown = client.get(f"/email/demo/sent/{link}").content.decode()
    assert "Hier is hij: &lt;b&gt;10877&lt;/b&gt;" in shown and "<b>10877" not in shown
    assert "Pieter" not in shown.split("<dt>From</dt>", 1)[1].split("</dd>", 1)[0]  # From is the demo's address
    assert client.get("/email/demo/sent/..%2Fsecret.log/0/").status_code == 404


def test_agents_and_sites_without_a_demo_email_inbox_get_404(client, demo_inbox):
    client.force_login(make_user("anna", inboxes=[demo_inbox]))
    assert client.get("/email/demo/").status_code == 404
    assert client.post("/email/demo/", {"inbox": demo_inbox.pk}).status_code == 404
    client.force_login(make_user("lena", role="lead"))
    assert client.get("/email/demo/").status_code == 200
    Inbox.objects.filter(pk=demo_inbox.pk).update(demo=False)
    assert client.get("/email/demo/").status_code == 404
    assert not Message.objects.exists()
