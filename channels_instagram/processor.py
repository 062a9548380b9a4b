"""Processing a stored Instagram webhook event: the shared Messenger Platform processor
(`meta_platform.messaging_processor`) with Instagram's parser, downloads and profiles."""

from meta_platform.messaging_processor import MessagingFollowUps, messaging_handlers

from .parser import PARSER
from .profiles import profile_due


def _follow_ups() -> MessagingFollowUps:
    from .tasks import media_download_task, mention_lookup_task, profile_fetch_task

    return MessagingFollowUps(
        media_download_task=media_download_task,
        profile_fetch_task=profile_fetch_task,
        profile_due=profile_due,
        mention_lookup_task=mention_lookup_task,
    )


webhook_event_handle, webhook_events_handle = messaging_handlers(parser=PARSER, follow_ups=_follow_ups)
