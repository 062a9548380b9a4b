"""Settings for the test suite: the real settings with test-only secrets filled in."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
# Tests speak plain HTTP to the test client: no redirect to https.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("META_GRAPH_URL", "http://127.0.0.1:9/graph-disabled-in-tests")

from .settings import *  # noqa: E402,F403

WEBCARE_SETUP_ANNOUNCE = False  # no thread printing the setup token at each app import
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

# Tasks run in-process so a test sees their effects; the channel layer, cache and database
# stay whatever the environment points at (Redis and PostgreSQL in CI).
CELERY_TASK_ALWAYS_EAGER = True
# Threads in tests (races, websocket consumers) must not keep connections open past a test.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Static files come from the app folders (finders), not a collected STATIC_ROOT.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# Parallel test processes (pytest-xdist) share one Redis: each keeps its cache keys apart, so
# one test's login lockout never locks another process's user.
CACHES["default"]["KEY_PREFIX"] = os.environ.get("PYTEST_XDIST_WORKER", "")  # noqa: F405
# On SQLite, Django's default test database is in memory with a shared cache, where a writer
# in the browser tests' server thread and the test's own thread meet "database table is
# locked" at once (no busy timeout applies to it). A file of its own per test process gets the
# same WAL, IMMEDIATE transactions and 20-second busy timeout as the embedded default.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(
            tempfile.gettempdir(), f"webcare-test-{os.getpid()}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.sqlite3"
        )
    }
