"""The email composer's subject and CC are text fields like every other one (full width, the
form's padding and border): an input without a type missed the stylesheet's rule and showed as
a narrow bare box an email subject did not fit in."""

import pytest

from inbox.models import Conversation
from tests.factories import make_user

from .helpers import deliver, mail

pytestmark = pytest.mark.django_db


def test_the_subject_and_cc_are_styled_text_fields(client, email_inbox):
    deliver(email_inbox, mail(sender="Emily Carter <emily@example.org>", subject="Broken mug", text="Chipped."))
    conversation = Conversation.objects.get()
    client.force_login(make_user("anna", inboxes=[email_inbox]))

    page = client.get(f"/?c={conversation.pk}").content.decode()

    assert '<input type="text" id="composer-subject" name="channel_subject"' in page
    assert '<input type="text" id="composer-cc" name="channel_cc"' in page
