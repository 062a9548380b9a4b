"""The IMAP poller against a real IMAP server (dovecot)."""

import pytest

from channels_email.imap import ImapError, mailbox_poll
from channels_email.models import MailboxState, RawEmail
from channels_email.setup import connection_test
from inbox.models import Conversation, Message

from .conftest import fixture_bytes
from .helpers import mail

pytestmark = pytest.mark.django_db


def test_new_mail_is_taken_in_threaded_and_marked_seen_only_after(imap_inbox, dovecot):
    dovecot.append("support", mail(subject="Order 88213", text="Where is it?", message_id="<a@example.org>"))
    dovecot.append("support", fixture_bytes("gmail_forwarded_de.eml"))

    counts = mailbox_poll(imap_inbox)

    assert counts["fetched"] == 2 and counts["processed"] == 2
    assert Conversation.objects.count() == 2
    assert dovecot.seen_uids("support") == [1, 2]
    dovecot.append("support", mail(subject="Re: Order 88213", text="Any news?", in_reply_to="<a@example.org>"))
    assert mailbox_poll(imap_inbox)["fetched"] == 1
    assert Conversation.objects.get(messages__external_id="<a@example.org>").messages.count() == 2
    assert MailboxState.objects.get(inbox=imap_inbox).last_uid == 3


def test_mail_read_elsewhere_before_the_poll_is_still_taken_in(imap_inbox, dovecot):
    dovecot.append("support", mail(text="first"))
    mailbox_poll(imap_inbox)
    dovecot.append("support", mail(text="read on a phone first"), seen=True)

    mailbox_poll(imap_inbox)

    assert Message.objects.filter(text="read on a phone first").exists()


def test_a_poll_that_dies_after_storing_loses_and_duplicates_nothing(imap_inbox, dovecot):
    for n in range(3):
        dovecot.append("support", mail(text=f"mail {n}", message_id=f"<m{n}@example.org>"))

    class Killed(BaseException):
        pass

    def die_on_second(uid):
        if uid == 2:
            raise Killed

    with pytest.raises(Killed):
        mailbox_poll(imap_inbox, on_stored=die_on_second)
    assert 2 not in dovecot.seen_uids("support")  # the second is stored, not processed, not seen
    assert RawEmail.objects.count() == 2 and Message.objects.count() == 1

    counts = mailbox_poll(imap_inbox)

    assert counts["fetched"] == 1  # only the third: the second came from its stored row
    assert sorted(Message.objects.values_list("text", flat=True)) == ["mail 0", "mail 1", "mail 2"]
    assert RawEmail.objects.count() == 3 and dovecot.seen_uids("support") == [1, 2, 3]


def test_a_wrong_password_is_said_in_words(imap_inbox):
    imap_inbox.credentials = {**imap_inbox.credentials, "imap_password": "wrong"}
    imap_inbox.save()

    with pytest.raises(ImapError, match="refused the login"):
        mailbox_poll(imap_inbox)
    result = connection_test(imap_inbox)
    assert not result.ok and "refused the login" in result.error


def test_test_connection_logs_in_to_imap_and_greets_smtp(imap_inbox, dovecot, smtp_server):
    dovecot.append("support", mail(text="hello"))

    result = connection_test(imap_inbox)

    assert result.ok, result.error
    facts = {str(label): value for label, value in result.facts}
    assert facts["IMAP folder"] == "1 messages" and facts["Push (IDLE)"] == "yes"
    assert "SMTP server" in facts


def test_idle_hears_new_mail_at_once(imap_inbox, dovecot):
    import threading
    import time

    from channels_email.imap import mailbox_wait

    mailbox_poll(imap_inbox)  # learns that the server offers IDLE
    later = threading.Timer(1.0, dovecot.append, args=("support", mail(text="pushed")))
    later.start()
    started = time.monotonic()

    assert mailbox_wait(imap_inbox, 30) is True
    assert time.monotonic() - started < 25
    later.join()
