"""Enqueueing Celery tasks after commit, safely when the broker is down."""

import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, inline_if_broker_down: Callable | None = None) -> None:
    """Enqueue `task(*args)` once the transaction commits.

    A broker that is down must not turn a committed write into an error for the user: the row is
    the record. Work that a periodic sweeper picks up (a pending reply, say) is left to it; work
    that nothing would pick up again passes `inline_if_broker_down`, which then runs here with
    the same arguments."""

    def enqueue():
        try:
            task.delay(*args)
        except Exception:
            if inline_if_broker_down is None:
                logger.warning("could not enqueue %s%r; a sweeper will pick it up", task.name, args, exc_info=True)
                return
            logger.warning("could not enqueue %s%r; running it inline", task.name, args, exc_info=True)
            inline_if_broker_down(*args)

    transaction.on_commit(enqueue)
