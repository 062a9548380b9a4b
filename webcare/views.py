"""Project-level views: health check and the landing page."""

import logging

from django.conf import settings
from django.db import connection
from django.http import FileResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("healthz: database check failed", exc_info=True)
        return False


_redis_client = None


def _channel_layer_ok() -> bool:
    global _redis_client
    if not settings.REDIS_URL:
        return True  # in-memory layer: lives in this process
    import redis

    try:
        if _redis_client is None:  # one pooled client per process, not a connection per probe
            _redis_client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
        return bool(_redis_client.ping())
    except Exception:
        logger.warning("healthz: channel layer (redis) check failed", exc_info=True)
        return False


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on every site whatever the page links: answer it (a 404
    per page load fills the logs) with the icon the pages link to."""
    response = FileResponse((settings.BASE_DIR / "static" / "favicon.ico").open("rb"), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@never_cache
@require_GET
def healthz(request):
    """200 `{"status": "ok"}` when the database and the channel layer answer; 503 naming what failed."""
    checks = {"database": _database_ok(), "channel_layer": _channel_layer_ok()}
    failing = [name for name, ok in checks.items() if not ok]
    if failing:
        return JsonResponse({"status": "error", "failing": failing, "checks": checks}, status=503)
    return JsonResponse({"status": "ok", "checks": checks})
