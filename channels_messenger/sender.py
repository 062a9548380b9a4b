"""The Messenger Sender: the shared Send API Sender (`meta_platform.messaging_sender`) on a
Page's `POST /{page-id}/messages`, with Messenger's limits (text up to 2,000 characters, files
up to 25 MB), errors and window. Every send carries `metadata: "webcare:<message id>"`, so its
echo is recognised as ours."""

from meta_platform.messaging_sender import MessagingSender

from . import errors, rules
from .graph import graph_request


def graph_request_for(method: str, path: str, *, inbox, token: str, **kwargs) -> dict:
    return graph_request(method, path, token=token, **kwargs)


SENDER = MessagingSender(errors=errors.ERRORS, window=rules.WINDOW, graph_request=graph_request_for)
MAX_TEXT = SENDER.max_text
message_send = SENDER.message_send
attachment_kind = SENDER.attachment_kind
quick_replies = SENDER.quick_replies
graph_failure_record = SENDER.failure_record
