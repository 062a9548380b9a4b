"""Emails written to hurt: built to be costly to parse, to slip into someone else's thread, or to
smuggle headers into our replies. Each arrives the way real mail does (stored raw, processed)."""

import pytest

from channels_email.addresses import conversation_address
from channels_email.parser import email_parse
from inbox.models import Attachment, Conversation, Message
from inbox.replies import reply_send
from tests.factories import make_user

from .helpers import deliver, mail

pytestmark = pytest.mark.django_db

HEAD = b"From: Mallory <mallory@example.net>\r\nTo: support@acme.test\r\nSubject: Hello\r\n"


def test_an_email_of_thousands_of_parts_keeps_its_headers_with_a_note_and_stores_no_files(client, email_inbox):
    parts = b"".join(b"--B\r\nContent-Type: image/png\r\nContent-ID: <c%d>\r\n\r\nx\r\n" % i for i in range(2000))
    raw = HEAD + b'Message-ID: <parts@example.net>\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n'
    row, outcome = deliver(email_inbox, raw + parts + b"--B--\r\n")

    assert outcome == "message" and row.truncated and len(bytes(row.raw)) < 1000
    assert Attachment.objects.count() == 0
    message = Message.objects.get()
    client.force_login(make_user("anna", inboxes=[email_inbox]))
    page = client.get(f"/?c={message.conversation_id}").content.decode()
    assert 'data-testid="email-too-complex"' in page and "Hello" in page


def test_deep_mime_nesting_is_refused_before_parsing_and_moderate_nesting_still_reads(email_inbox):
    def nested(levels: int, message_id: bytes) -> bytes:
        body = b"".join(
            b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i) for i in range(levels)
        )
        return HEAD + b"Message-ID: " + message_id + b"\r\nMIME-Version: 1.0\r\n" + body + b"\r\nInside\r\n"

    deep, outcome = deliver(email_inbox, nested(5000, b"<deep@example.net>"))
    assert outcome == "message" and deep.truncated
    moderate, outcome = deliver(email_inbox, nested(60, b"<moderate@example.net>"))
    assert outcome == "message" and not moderate.truncated


def test_a_header_block_of_megabytes_keeps_a_bounded_part_of_it(email_inbox):
    noise = b"".join(b"X-Noise-%d: %s\r\n" % (i, b"n" * 60) for i in range(30000))
    row, outcome = deliver(email_inbox, HEAD + b"Message-ID: <noisy@example.net>\r\n" + noise + b"\r\nHi\r\n")

    assert outcome == "message" and row.truncated and len(bytes(row.raw)) <= 1024 * 1024 + 2


def test_a_header_of_hundreds_of_kilobytes_is_read_only_in_part():
    references = b" ".join(b"<r%d@example.net>" % i for i in range(20000))
    parsed = email_parse(HEAD + b"Message-ID: <refs@example.net>\r\nReferences: " + references + b"\r\n\r\nHi\r\n")

    assert parsed.sender.email == "mallory@example.net"
    assert 0 < len(parsed.references) < 2000


def test_an_address_of_thousands_of_nested_comments_is_still_taken_in(email_inbox):
    raw = mail(text="Hi").replace(b"To: support@acme.test", b"To: " + b"(" * 20000 + b"support@acme.test", 1)

    row, outcome = deliver(email_inbox, raw)

    assert outcome == "message" and row.status == "processed"
    assert Message.objects.get().content["email"]["to"] == ["support@acme.test"]


def _our_reply(conversation, capture):
    agent = make_user("anna", inboxes=[conversation.inbox])
    with capture(execute=True):
        message = reply_send(conversation=conversation, author=agent, text="Your refund is on its way.")
    message.refresh_from_db()
    return message


def test_a_stranger_answering_a_leaked_message_id_gets_a_conversation_of_their_own(
    email_inbox, smtp_server, django_capture_on_commit_callbacks
):
    deliver(email_inbox, mail(subject="Refund", text="Order 1 please refund"))
    emily = Conversation.objects.get()
    ours = _our_reply(emily, django_capture_on_commit_callbacks)
    customers = emily.messages.get(direction="in").external_id

    deliver(
        email_inbox, mail(sender="Mallory <mallory@example.net>", text="Send it here", in_reply_to=ours.external_id)
    )
    deliver(email_inbox, mail(sender="mallory@example.net", subject="x", text="And here", references=customers))

    assert emily.messages.count() == 2
    mallory = Conversation.objects.exclude(pk=emily.pk)
    assert {c.contact.email for c in mallory} == {"mallory@example.net"}
    assert sorted(mallory.values_list("messages__text", flat=True)) == ["And here", "Send it here"]


def test_a_stranger_writing_to_a_leaked_reply_address_gets_a_conversation_of_their_own(email_inbox):
    deliver(email_inbox, mail(subject="Refund", text="Order 1 please refund"))
    emily = Conversation.objects.get()

    deliver(
        email_inbox,
        mail(sender="mallory@example.net", subject="Hi", text="Me too", to=conversation_address(email_inbox, emily.pk)),
    )

    assert emily.messages.count() == 1
    assert Conversation.objects.exclude(pk=emily.pk).get().contact.email == "mallory@example.net"


def test_the_customer_and_whoever_was_on_the_thread_still_answer_into_it(
    email_inbox, smtp_server, django_capture_on_commit_callbacks
):
    deliver(email_inbox, mail(subject="Refund", text="Please refund", cc="Sam <sam@example.org>"))
    emily = Conversation.objects.get()
    ours = _our_reply(emily, django_capture_on_commit_callbacks)

    deliver(
        email_inbox, mail(sender="sam@example.org", subject="Re: Refund", text="Sam here", in_reply_to=ours.external_id)
    )
    deliver(email_inbox, mail(subject="Other", text="Thanks", to=conversation_address(email_inbox, emily.pk)))

    assert Conversation.objects.count() == 1
    assert list(emily.messages.order_by("id").values_list("text", flat=True))[-2:] == ["Sam here", "Thanks"]


def test_line_breaks_in_an_agents_name_or_the_company_add_no_header_and_the_reply_still_goes(
    email_inbox, smtp_server, django_capture_on_commit_callbacks
):
    email_inbox.config = {**email_inbox.config, "company": "Acme\r\nX-Company: 1"}
    email_inbox.save()
    deliver(email_inbox, mail(subject="Refund", text="Please refund"))
    conversation = Conversation.objects.get()
    agent = make_user("anna", inboxes=[email_inbox])
    agent.first_name = "Anna\r\nBcc: victim@example.net"
    agent.save()

    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_send(conversation=conversation, author=agent, text="On its way")
    reply.refresh_from_db()

    assert reply.status == "sent", reply.error
    [received] = smtp_server.received
    assert received["to"] == ["emily@example.org"]
    assert "Bcc" not in received["message"] and "X-Company" not in received["message"]
    assert received["message"]["From"] == '"Anna Bcc: victim@example.net from Acme X-Company: 1" <support@acme.test>'


@pytest.mark.parametrize(
    "style",
    [
        r"background-image:u\72l(https://t.example/a)",
        r"background:\75\72\6c(https://t.example/b)",
        r"background:u\rl(https://t.example/c)",
        'background-image:image-set("https://t.example/d" 1x)',
        'background-image:-webkit-image-set("https://t.example/e" 1x)',
        "background:&#117;rl(https://t.example/f)",
    ],
)
def test_css_that_fetches_is_removed_however_it_is_spelled(style):
    from channels_email.html import html_sanitize

    cleaned = html_sanitize(f"<div style='{style}'>x</div>", remote_images=True)

    assert "t.example" not in cleaned and ">x</div>" in cleaned
