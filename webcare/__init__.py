"""Webcare: the Django project (settings, ASGI/URL routing and the Celery app).

Importing the package loads the Celery app so that `@shared_task` binds to it in every process.
"""

from .celery import app as celery_app

__all__ = ["celery_app"]
