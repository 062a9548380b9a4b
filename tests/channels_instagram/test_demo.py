"""The Instagram demo inbox: declared through the channel registry, on the simulated platform,
with customers writing in Direct and a public comment thread under one of its posts."""

import pytest

from demo.data import load_demo
from inbox import channel_registry
from inbox.models import Conversation, Inbox
from inbox.replies import reply_send
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_has_an_instagram_inbox_with_direct_messages_and_a_public_comment_thread(
    django_capture_on_commit_callbacks,
):
    load_demo()
    inbox = Inbox.objects.get(kind="instagram", demo=True)
    assert channel_registry.for_inbox(inbox).send is channel_registry.get("instagram").demo.send
    assert set(inbox.members.values_list("username", flat=True)) == {"anna", "noor"}
    public = Conversation.objects.filter(inbox=inbox, public=True, thread_key="demo-media-1")
    assert public.count() == 2  # two people under one post: one conversation each
    thread = public.get(contact__name="@lotte.b")
    assert thread.source["caption"].startswith("Nieuw binnen")
    assert thread.messages.get().kind == "comment"
    assert Conversation.objects.filter(inbox=inbox, public=False, contact__name="@sanne.dv").exists()
    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_send(conversation=thread, author=make_user(inboxes=[inbox]), text="Wij sturen u een DM!")
    reply.refresh_from_db()
    assert reply.status == "sent"  # the simulated platform, no network
