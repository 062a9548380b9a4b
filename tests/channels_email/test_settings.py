"""Connecting a mailbox in the settings, and testing the connection there."""

import pytest

from inbox.models import Inbox
from tests.factories import make_user

from .dovecot import PASSWORD

pytestmark = pytest.mark.django_db


def _form(**overrides):
    return {
        "name": "Support mail",
        "address": "Support@Acme.test",
        "company": "Acme",
        "from_pattern": "{agent} from {company}",
        "imap_host": "127.0.0.1",
        "imap_port": "993",
        "imap_security": "none",
        "imap_user": "support",
        "imap_password": PASSWORD,
        "imap_folder": "INBOX",
        "smtp_host": "127.0.0.1",
        "smtp_port": "587",
        "smtp_security": "none",
        "smtp_user": "",
        "smtp_password": "",
        **overrides,
    }


def test_an_admin_connects_a_mailbox_and_test_connection_checks_imap_and_smtp(client, dovecot, smtp_server):
    client.force_login(make_user("root", role="admin"))

    response = client.post(
        "/settings/inboxes/new/email/", _form(imap_port=str(dovecot.port), smtp_port=str(smtp_server.port))
    )

    inbox = Inbox.objects.get(kind="email")
    assert response.status_code == 302 and response["Location"] == f"/settings/inboxes/{inbox.pk}/"
    assert inbox.config["address"] == "support@acme.test" and inbox.external_id == "support@acme.test"
    assert inbox.credentials["imap_password"] == PASSWORD
    assert inbox.first_response_target_seconds == 4 * 3600
    page = client.post(f"/settings/inboxes/{inbox.pk}/test/").content.decode()
    assert "IMAP folder" in page and "SMTP server" in page


def test_test_connection_says_in_words_that_the_imap_login_was_refused(client, dovecot, smtp_server):
    client.force_login(make_user("root", role="admin"))
    client.post("/settings/inboxes/new/email/", _form(imap_port=str(dovecot.port), imap_password="wrong"))
    inbox = Inbox.objects.get(kind="email")

    page = client.post(f"/settings/inboxes/{inbox.pk}/test/").content.decode()

    assert "The IMAP server refused the login" in page


def test_a_lead_cannot_connect_a_mailbox_with_passwords(client):
    client.force_login(make_user("lead", role="lead"))

    assert client.get("/settings/inboxes/new/email/").status_code == 404


def test_an_admin_chooses_to_move_processed_mail_and_a_lead_neither_sees_nor_resets_it(client, dovecot):
    admin = make_user("root", role="admin")
    client.force_login(admin)
    client.post("/settings/inboxes/new/email/", _form(imap_port=str(dovecot.port)))
    inbox = Inbox.objects.get(kind="email")
    assert inbox.config["after_processing"] == "seen"  # the default: mark as read

    missing = client.post(f"/settings/inboxes/{inbox.pk}/", _form(after_processing="move", processed_folder=""))
    assert "Name the folder to move processed mail to." in missing.content.decode()
    saved = client.post(
        f"/settings/inboxes/{inbox.pk}/", _form(after_processing="move", processed_folder="Webcare/Processed")
    )
    assert saved.status_code == 302
    inbox.refresh_from_db()
    assert (inbox.config["after_processing"], inbox.config["processed_folder"]) == ("move", "Webcare/Processed")

    client.force_login(make_user("lead", role="lead"))
    page = client.get(f"/settings/inboxes/{inbox.pk}/").content.decode()
    assert "After processing" not in page and "Folder for processed mail" not in page
    form = {k: v for k, v in _form(name="Renamed").items() if not k.endswith("password")}
    response = client.post(f"/settings/inboxes/{inbox.pk}/", {**form, "after_processing": "seen"})
    assert response.status_code == 302
    inbox.refresh_from_db()
    assert inbox.name == "Renamed" and inbox.config["after_processing"] == "move"


def test_the_sns_topic_an_admin_names_must_be_a_topic_arn(client, dovecot):
    client.force_login(make_user("root", role="admin"))
    client.post("/settings/inboxes/new/email/", _form(imap_port=str(dovecot.port)))
    inbox = Inbox.objects.get(kind="email")

    refused = client.post(f"/settings/inboxes/{inbox.pk}/", _form(ses_topic_arn="https://sns.example/topic"))
    saved = client.post(
        f"/settings/inboxes/{inbox.pk}/", _form(ses_topic_arn="arn:aws:sns:eu-west-1:111122223333:inbound")
    )

    assert "Enter a topic ARN such as" in refused.content.decode() and saved.status_code == 302
    inbox.refresh_from_db()
    assert inbox.config["ses_topic_arn"] == "arn:aws:sns:eu-west-1:111122223333:inbound"


@pytest.mark.parametrize(("language", "proposed"), [("en", "{agent} from {company}"), ("de", "{agent} von {company}")])
def test_the_setup_form_proposes_the_sender_name_in_the_admins_language(client, language, proposed):
    admin = make_user("root", role="admin")
    client.force_login(admin)
    client.cookies["django_language"] = language

    page = client.get("/settings/inboxes/new/email/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert f'value="{proposed}"' in page
    assert "support+c1234@" in page  # an example address, not a tag the browser swallows
