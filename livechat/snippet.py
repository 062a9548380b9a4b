"""The one line of HTML that puts an inbox's chat widget on a website."""

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html

from inbox.models import Inbox


def widget_url(inbox: Inbox) -> str:
    return settings.PUBLIC_URL + reverse("livechat:widget", args=[inbox.public_key])


def snippet_for(inbox: Inbox) -> str:
    """`<script async src="{PUBLIC_URL}/widget/<key>.js" data-webcare-key="<key>"></script>`"""
    return str(
        format_html('<script async src="{}" data-webcare-key="{}"></script>', widget_url(inbox), inbox.public_key)
    )
