"""Processed mail moved to a folder of its own, against a real IMAP server (dovecot): with
MOVE, and with COPY + \\Deleted + UID EXPUNGE where the server does not offer MOVE."""

import pytest

from channels_email.imap import mailbox_name, mailbox_poll
from channels_email.models import RawEmail
from inbox.models import Message

from .conftest import imap_connect, running_dovecot
from .dovecot import WITHOUT_MOVE
from .helpers import mail

pytestmark = pytest.mark.django_db

PROCESSED = "Webcare.Processed"  # dovecot's maildirs separate folders with a dot


def _move_mode(inbox, folder="Webcare/Processed"):
    inbox.config = {**inbox.config, "after_processing": "move", "processed_folder": folder}
    inbox.save()
    return inbox


def _ids(server, folder):
    return [message_id for message_id, _deleted in server.folder("support", folder)]


def test_processed_mail_is_moved_to_a_folder_that_is_created_and_new_mail_still_arrives(imap_inbox, dovecot):
    _move_mode(imap_inbox)
    for n in range(3):
        dovecot.append("support", mail(text=f"mail {n}", message_id=f"<m{n}@example.org>"))

    counts = mailbox_poll(imap_inbox)

    assert counts["processed"] == 3 and Message.objects.count() == 3
    assert _ids(dovecot, "INBOX") == []
    assert _ids(dovecot, PROCESSED) == ["<m0@example.org>", "<m1@example.org>", "<m2@example.org>"]
    dovecot.append("support", mail(text="later", message_id="<later@example.org>"))
    assert mailbox_poll(imap_inbox)["fetched"] == 1
    assert _ids(dovecot, PROCESSED)[-1] == "<later@example.org>" and _ids(dovecot, "INBOX") == []
    assert Message.objects.filter(text="later").count() == 1


def test_mark_as_read_stays_the_default(imap_inbox, dovecot):
    dovecot.append("support", mail(text="stays", message_id="<stays@example.org>"))

    mailbox_poll(imap_inbox)

    assert _ids(dovecot, "INBOX") == ["<stays@example.org>"] and dovecot.seen_uids("support") == [1]
    assert PROCESSED not in dovecot.folders("support")


def test_a_poll_killed_between_processing_and_the_move_loses_and_duplicates_nothing(imap_inbox, dovecot):
    _move_mode(imap_inbox)
    for n in range(3):
        dovecot.append("support", mail(text=f"mail {n}", message_id=f"<m{n}@example.org>"))

    class Killed(BaseException):
        pass

    def die_after_second(uid):
        if uid == 2:
            raise Killed

    with pytest.raises(Killed):
        mailbox_poll(imap_inbox, on_processed=die_after_second)
    # Two are processed, none moved yet: still in the folder we read.
    assert Message.objects.count() == 2 and len(_ids(dovecot, "INBOX")) == 3

    counts = mailbox_poll(imap_inbox)

    assert counts["fetched"] == 1  # the first two are recognised as stored, not fetched again
    assert sorted(Message.objects.values_list("text", flat=True)) == ["mail 0", "mail 1", "mail 2"]
    assert RawEmail.objects.count() == 3
    assert _ids(dovecot, "INBOX") == []
    assert _ids(dovecot, PROCESSED) == ["<m0@example.org>", "<m1@example.org>", "<m2@example.org>"]


@pytest.mark.parametrize("uidplus", [True, False], ids=["uidplus", "no-uidplus"])
def test_without_move_it_copies_deletes_and_expunges(email_inbox, uidplus):
    capabilities = WITHOUT_MOVE if uidplus else WITHOUT_MOVE.replace(" UIDPLUS", "")
    with running_dovecot(capabilities) as server:
        inbox = _move_mode(imap_connect(email_inbox, server))
        server.append("support", mail(text="someone else's trash", message_id="<trash@example.org>"))
        client = server.client("support")
        client.select("INBOX")
        client.uid("STORE", "1", "+FLAGS", "(\\Seen \\Deleted)")  # read and deleted in another client
        client.logout()
        server.append("support", mail(text="new", message_id="<new@example.org>"))

        mailbox_poll(inbox)

        assert Message.objects.get().text == "new"
        if uidplus:
            # UID EXPUNGE removed ours only: the other client's deleted mail is still there.
            assert server.folder("support", "INBOX") == [("<trash@example.org>", True)]
        else:
            # A plain EXPUNGE (what such a server offers) takes all deleted mail (MOVE would not).
            assert server.folder("support", "INBOX") == []
        assert server.folder("support", PROCESSED) == [("<new@example.org>", False)]


def test_a_folder_name_with_umlauts_is_written_in_modified_utf7():
    assert mailbox_name("Geprüft") == "Gepr&APw-ft"
    assert mailbox_name("Tom & Jerry") == "Tom &- Jerry"
    assert mailbox_name("INBOX") == "INBOX"
