"""Amazon SNS subscription confirmations for the Amazon SES inbound webhook.

SNS asks a new HTTPS subscriber to confirm by fetching the `SubscribeURL` it sends. Anymail can
confirm too, but through boto3 with AWS credentials and for any topic; we fetch the URL (what SNS
documents for HTTP endpoints), only after the basic auth has been checked, only for the inbox's
expected topic (`config.ses_topic_arn`, when set), and only from an https SNS host of the topic's
own region, so the endpoint can never be made to fetch anything else.
"""

import logging
import re
from urllib.parse import parse_qs, urlsplit

import requests

logger = logging.getLogger(__name__)

SNS_TIMEOUT = 10
TOPIC_ARN = re.compile(r"^arn:aws(?:-cn|-us-gov)?:sns:([a-z0-9-]+):\d{12}:[A-Za-z0-9_.-]{1,256}$")
_SNS_HOST = re.compile(r"^sns\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$")


class SubscriptionRefused(Exception):
    """Not confirmed: `status` is the HTTP status to answer with, the message says why."""

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason)
        self.status = status


def sns_subscription_confirm(*, inbox, message: dict) -> str:
    """Confirm the SNS subscription `message` (a SubscriptionConfirmation) asks for; returns the
    topic. Raises SubscriptionRefused for a topic we do not expect, a URL that is not SNS's, or
    a confirmation SNS did not accept."""
    topic = str(message.get("TopicArn") or "")
    expected = ((inbox.config or {}).get("ses_topic_arn") or "").strip()
    if expected and topic != expected:
        raise SubscriptionRefused(f"Not the topic this inbox expects: {topic}", 403)
    arn = TOPIC_ARN.match(topic)
    if arn is None:
        raise SubscriptionRefused(f"Not an SNS topic: {topic}", 400)
    url = str(message.get("SubscribeURL") or "")
    parts = urlsplit(url)
    host = _SNS_HOST.match(parts.hostname or "")
    if (
        parts.scheme != "https"
        or host is None
        or host.group(1) != arn.group(1)  # confirmed in the topic's own region
        or parts.username is not None
        or parts.port not in (None, 443)
        or parse_qs(parts.query).get("Action") != ["ConfirmSubscription"]
        or parse_qs(parts.query).get("TopicArn") != [topic]
    ):
        raise SubscriptionRefused("The SubscribeURL is not an Amazon SNS confirmation of this topic.", 400)
    try:
        response = requests.get(url, timeout=SNS_TIMEOUT, allow_redirects=False)
    except requests.RequestException as error:
        # Answered 502, SNS sends the confirmation again later.
        raise SubscriptionRefused(f"Amazon SNS could not be reached: {type(error).__name__}", 502) from None
    if response.status_code != 200:
        raise SubscriptionRefused(f"Amazon SNS refused the confirmation ({response.status_code}).", 502)
    logger.info("confirmed the SNS subscription of inbox %s to %s", inbox.pk, topic)
    return topic
