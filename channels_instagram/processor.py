"""Processing a stored Instagram webhook event: the shared Messenger Platform processor
(`meta_platform.messaging_processor`) with Instagram's parser, downloads and profiles."""

from meta_platform.messaging_processor import MessagingFollowUps, messaging_events_handle

from .parser import PARSER
from .profiles import profile_due


def webhook_event_handle(event) -> list[dict]:
    """Apply one stored event. Instagram reports no platform errors inside events."""
    return webhook_events_handle([event])[0]


def webhook_events_handle(events) -> list[list[dict]]:
    """Apply stored events of one inbox, in the order they came, as one webhook."""
    from .tasks import media_download_task, profile_fetch_task

    follow_ups = MessagingFollowUps(
        media_download_task=media_download_task, profile_fetch_task=profile_fetch_task, profile_due=profile_due
    )
    return messaging_events_handle(events, parser=PARSER, follow_ups=follow_ups)
