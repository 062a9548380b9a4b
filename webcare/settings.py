"""Webcare settings: everything comes from the environment, with safe defaults.

Nothing set: embedded SQLite under data/, in-memory channel layer, Celery tasks in-process.
DATABASE_URL set: PostgreSQL. REDIS_URL set: Redis channel layer, Celery broker and cache.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_str, secret_key_file

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("WEBCARE_DATA_DIR", str(BASE_DIR / "data")))

DEBUG = env_bool("DEBUG", False)

# --- Signing and encryption keys --------------------------------------------------------------
SECRET_KEY = env_str("SECRET_KEY")
# Encrypts channel credentials at rest (kernel.crypto); comma-separated to rotate keys.
WEBCARE_SECRETS_KEY = env_str("WEBCARE_SECRETS_KEY", "")
# Keys that only decrypt stored credentials, never encrypt (kernel.crypto).
WEBCARE_SECRETS_DECRYPT_ONLY_KEYS: list[str] = []
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # A laptop gets a random key of its own, kept in the data directory (git-ignored): a key
    # written in the source is known to everyone and would let anyone sign visitor tokens and
    # file links for this server.
    SECRET_KEY = secret_key_file(DATA_DIR / "secret_key")
    # Development databases made before the key file stored their channel credentials under a
    # key derived from the public development key: they still decrypt, and are re-encrypted
    # with the new key when saved.
    WEBCARE_SECRETS_DECRYPT_ONLY_KEYS = [
        "webcare-secrets:dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
    ]
# --- end of signing and encryption keys -------------------------------------------------------

PORT = env_int("PORT", 8000)
PUBLIC_URL = env_str("PUBLIC_URL", f"http://127.0.0.1:{PORT}").rstrip("/")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [PUBLIC_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "crm",
    "inbox",
    "meta_platform",
    "contacts",
    "channels_whatsapp",
    "channels_messenger",
    "channels_email",
    "channels_instagram",
    "livechat",
    "reporting",
    "automation",
    "audit",
    "workspace",
    "demo",
]

MIDDLEWARE = [
    "webcare.body_limits.BodyLimitMiddleware",
    "kernel.proxies.ForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "webcare.security.NulQueryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "inbox.middleware.AgentLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "webcare.security.ContentSecurityPolicyMiddleware",
    "webcare.security.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "webcare.urls"
ASGI_APPLICATION = "webcare.asgi.application"
WSGI_APPLICATION = "webcare.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_int("DB_POOL_MAX", 16) > 0:
        # A pool of connections per process (psycopg 3). Under ASGI every request runs in a thread
        # of its own, so a connection per thread (CONN_MAX_AGE) piles up until PostgreSQL refuses
        # clients, and none at all means a new PostgreSQL backend, with cold caches, for every
        # request: that costs more than a webhook's own work (docs/performance.md has the figures).
        # A connection returns to the pool when the request ends.
        # The pool checks each connection it hands out (CONN_HEALTH_CHECKS), so a database restart
        # costs no failed request once PostgreSQL is back; while it is down, a request waits at
        # most `timeout` seconds and gets a 503 (the pool's error is an OperationalError).
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DB_POOL_MIN", 2),
            "max_size": env_int("DB_POOL_MAX", 16),
            "timeout": env_int("DB_POOL_TIMEOUT", 5),
            "max_idle": 300,
        }
    else:  # SQLite, or the pool switched off (DB_POOL_MAX=0)
        DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 0)
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # Embedded default. WAL lets readers work while a writer commits; IMMEDIATE transactions
    # take the write lock up front, so two writers queue instead of failing with "locked".
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "webcare.sqlite3",
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer, Celery, cache ----------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Redis pub/sub: a subscriber reads every hint from one stream. The list-based layer
            # (channels_redis.core) costs four Redis round trips per hint received, one after the
            # other, so a busy worker's socket falls behind under load (seconds late, then dropped
            # at capacity). Hints need no capacity or storage: the database is
            # the record, and a browser re-fetches when it sees a gap or reconnects.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                # redis-py 8 otherwise drops idle consumers after 5 s and refuses connections
                # beyond its default pool size (docs/architecture.md, "Real time").
                "hosts": [{"address": REDIS_URL, "socket_timeout": None, "max_connections": 2000}],
            },
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 1000}}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
# No result backend: no caller waits for a task's result (every outcome is a row), and with one
# Celery builds a Redis client per thread on every enqueue, that is on every webhook request.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Workers keep their connection across tasks (see webcare.celery): Celery's Django fixup closes
# it only every 2 x this many tasks.
CELERY_DB_REUSE_MAX = 1000
# Without Redis the tasks run in-process, right where they are enqueued (after commit).
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2, "socket_timeout": 5}
# Redis down: give up enqueueing quickly (the sweepers re-enqueue from the database later)
# instead of holding the request for Celery's default of three slow retries.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_TIMEZONE = env_str("TIME_ZONE", "Europe/Amsterdam")
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "inbox.tasks.message_deliver_task": {"queue": "outbound"},
    "inbox.tasks.outbox_sweep_task": {"queue": "outbound"},
    "automation.tasks.comment_hide_task": {"queue": "outbound"},
    "inbox.tasks.webhook_events_reprocess_task": {"queue": "ingest"},
    "inbox.tasks.conversation_post_details_fetch_task": {"queue": "ingest"},
    "inbox.tasks.post_details_retry_sweep_task": {"queue": "ingest"},
    "channels_email.tasks.*": {"queue": "ingest"},
    "reporting.*": {"queue": "reports"},
}
# Periodic jobs. Celery beat runs them on the full stack; `runstack` runs the same table
# in-process on the embedded default.
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "inbox.tasks.outbox_sweep_task", "schedule": 30.0},
    "webhook-events-reprocess": {"task": "inbox.tasks.webhook_events_reprocess_task", "schedule": 60.0},
    "unrouted-webhook-entries-reroute": {
        "task": "inbox.tasks.unrouted_webhook_entries_reroute_task",
        "schedule": 60.0,
    },
    "snoozed-conversations-wake": {"task": "inbox.tasks.snoozed_conversations_wake_task", "schedule": 60.0},
    # Post cards whose look-up failed, again when due (`inbox.public.POST_LOOKUP_RETRY_DELAYS`).
    "post-details-retry-sweep": {"task": "inbox.tasks.post_details_retry_sweep_task", "schedule": 120.0},
    "whatsapp-templates-sync": {"task": "channels_whatsapp.tasks.templates_sync_task", "schedule": 6 * 3600.0},
    "whatsapp-media-download-sweep": {"task": "channels_whatsapp.tasks.media_download_sweep_task", "schedule": 120.0},
    "messenger-media-download-sweep": {"task": "channels_messenger.tasks.media_download_sweep_task", "schedule": 120.0},
    # Each email inbox's IMAP folder, every minute; emails stored but not processed, again.
    "email-mailboxes-poll": {"task": "channels_email.tasks.mailboxes_poll_task", "schedule": 60.0},
    "email-raw-reprocess": {"task": "channels_email.tasks.raw_emails_reprocess_task", "schedule": 60.0},
    "instagram-media-download-sweep": {"task": "channels_instagram.tasks.media_download_sweep_task", "schedule": 120.0},
    "contacts-retention-anonymise": {"task": "contacts.tasks.retention_anonymise_task", "schedule": 6 * 3600.0},
    # Today of every inbox, and its yesterday once more after the inbox's midnight (docs/kpis.md).
    "reports-rollup": {"task": "reporting.tasks.reports_rollup_task", "schedule": 300.0},
    "automation-sla-alerts": {"task": "automation.tasks.sla_alerts_check_task", "schedule": 30.0},
    # Agents who came online or freed up get the conversations waiting for them.
    "automation-waiting-assign": {"task": "automation.tasks.waiting_conversations_assign_task", "schedule": 30.0},
    # Online agents with no inbox tab open for WEBCARE_AWAY_AFTER_MINUTES become Away.
    "agents-idle-away": {"task": "inbox.tasks.agents_idle_away_task", "schedule": 60.0},
    # Demo inboxes' simulated platform: replies become delivered and read seconds after sending.
    "demo-platform-tick": {"task": "inbox.tasks.demo_platform_tick_task", "schedule": 5.0},
}

# --- Auth, i18n, time -----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("nl", "Nederlands"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
# One date format per language (webcare/formats): day first in English too.
FORMAT_MODULE_PATH = ["webcare.formats"]
USE_TZ = True

WEBCARE_DEFAULT_REGION = env_str("WEBCARE_DEFAULT_REGION", "NL").upper()
META_GRAPH_URL = env_str("META_GRAPH_URL", "https://graph.facebook.com/v21.0").rstrip("/")
# Instagram accounts connected with Instagram Login (no Facebook Page) talk to this host instead.
INSTAGRAM_GRAPH_URL = env_str("INSTAGRAM_GRAPH_URL", "https://graph.instagram.com/v21.0").rstrip("/")
# Where customers' media may be downloaded from (meta_platform.media_hosts): hosts, or domains
# with a leading dot, over https to public addresses only; an entry with a scheme is one exact
# origin trusted as it is (a local stand-in for Meta).
META_MEDIA_HOSTS = env_list("META_MEDIA_HOSTS", [".fbcdn.net", ".fbsbx.com", ".facebook.com", ".cdninstagram.com"])
# Outbox: how many delivery attempts before a retryable error becomes a failure.
WEBCARE_OUTBOX_MAX_ATTEMPTS = env_int("WEBCARE_OUTBOX_MAX_ATTEMPTS", 8)
# A claimed send that has not finished in this many seconds is considered lost (worker died).
WEBCARE_OUTBOX_LEASE_SECONDS = env_int("WEBCARE_OUTBOX_LEASE_SECONDS", 120)

# An Online agent with no inbox tab open (no inbox websocket heartbeat) for this many minutes
# becomes Away.
WEBCARE_AWAY_AFTER_MINUTES = env_int("WEBCARE_AWAY_AFTER_MINUTES", 5)
# How often an open reports page asks again for its "Public comments" section (spike warnings).
WEBCARE_REPORTS_LIVE_SECONDS = env_int("WEBCARE_REPORTS_LIVE_SECONDS", 60)

# First run: while no admin exists, /setup/ creates the first one for whoever gives the setup
# token. Unset: the server derives one and prints it in its log at start; set: this one
# (at least 20 characters), never printed.
WEBCARE_SETUP_TOKEN = env_str("WEBCARE_SETUP_TOKEN", "")
# Print the setup token in the server's log when the ASGI app starts (off in the tests).
WEBCARE_SETUP_ANNOUNCE = env_bool("WEBCARE_SETUP_ANNOUNCE", True)

# CRM: an "undo merge" is offered this many days after the merge.
WEBCARE_MERGE_UNDO_DAYS = env_int("WEBCARE_MERGE_UNDO_DAYS", 30)
# Conversations closed longer than this many days are anonymised by a periodic task (0: never).
WEBCARE_RETENTION_DAYS = env_int("WEBCARE_RETENTION_DAYS", 0)

# --- Live-chat visitor tokens -----------------------------------------------------------------
# A visitor token lapses this many days after it was issued; each visit renews it, so only a
# visitor who stays away longer starts over as a new, anonymous visitor.
WEBCARE_VISITOR_TOKEN_DAYS = env_int("WEBCARE_VISITOR_TOKEN_DAYS", 90)
# --- end of live-chat visitor tokens ----------------------------------------------------------

# --- Live-chat demo page ----------------------------------------------------------------------
# /livechat/demo/ (a host page with the widget) exists with DEBUG=1, or with this on for a demo
# installation (then it shows only the demo data's inboxes).
WEBCARE_DEMO_PAGE = env_bool("WEBCARE_DEMO_PAGE", False)
# --- end of live-chat demo page ---------------------------------------------------------------

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"  # never served publicly: attachments go through permission-checked views
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Named API tokens and DRF's own, with failed tokens counted per address (webcare.api).
        "webcare.api.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "kernel.json_text.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Per address for anonymous requests, per user for signed-in ones (API token or session).
    "DEFAULT_THROTTLE_CLASSES": ["webcare.api.AnonRateThrottle", "webcare.api.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("WEBCARE_API_RATE_ANON", "60/minute"),
        "user": env_str("WEBCARE_API_RATE_USER", "1200/minute"),
    },
    # Refusals (kernel.refusals) answer 400 {"detail", "code"} in the token owner's language.
    "EXCEPTION_HANDLER": "webcare.api_errors.api_exception_handler",
}
# --- REST API: failed tokens --------------------------------------------------------------------
# After this many failed API tokens from one address, that address gets 429 (Retry-After) for
# WEBCARE_API_TOKEN_LOCK_SECONDS from its first failure, before any token is looked up.
WEBCARE_API_TOKEN_FAILURES_PER_ADDRESS = env_int("WEBCARE_API_TOKEN_FAILURES_PER_ADDRESS", 20)
WEBCARE_API_TOKEN_LOCK_SECONDS = env_int("WEBCARE_API_TOKEN_LOCK_SECONDS", 15 * 60)
# --- end of REST API: failed tokens -------------------------------------------------------------
SPECTACULAR_SETTINGS = {
    "TITLE": "Webcare API",
    "DESCRIPTION": "Omnichannel webcare inbox: conversations, messages, contacts and reports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema is for integrators (an API token) and for leads and admins (webcare.api).
    "SERVE_PERMISSIONS": ["webcare.api.SchemaReader"],
}

# --- Proxies and request limits ------------------------------------------------------------
# Reverse proxies (addresses or networks, comma-separated, e.g. 10.0.0.5,172.18.0.0/16) whose
# X-Forwarded-For / X-Forwarded-Proto are believed. Default: none, so the client's address is
# the connection's and these headers are ignored (kernel.proxies). Give uvicorn the same list
# (--forwarded-allow-ips; runstack, the Dockerfile and docker-compose.yml do).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
# Largest request body per route, refused with 413 before it is read (webcare.body_limits).
_MB = 1024 * 1024
WEBCARE_REQUEST_MAX_BYTES = env_int("WEBCARE_REQUEST_MAX_BYTES", 4 * _MB)  # any other address
WEBCARE_WEBHOOK_MAX_BYTES = env_int("WEBCARE_WEBHOOK_MAX_BYTES", 2_621_440)  # Django's body limit
# Email providers post a whole email (up to 25 MB, and Postmark's JSON carries the attachments a
# second time): their inbound limits are 35 MB (Postmark), 30 MB (SendGrid) and 25 MB (Mailgun).
WEBCARE_EMAIL_WEBHOOK_MAX_BYTES = env_int("WEBCARE_EMAIL_WEBHOOK_MAX_BYTES", 40 * _MB)
# Visitors' files in the live chat (per-inbox limits may only be lower), plus the form around it.
LIVECHAT_ATTACHMENT_MAX_BYTES = env_int("LIVECHAT_ATTACHMENT_MAX_BYTES", 10 * _MB)
WEBCARE_LIVECHAT_UPLOAD_MAX_BYTES = LIVECHAT_ATTACHMENT_MAX_BYTES + 64 * 1024
# Agents' replies with files (UI and API): the largest file a channel takes (WhatsApp
# documents, 100 MB) plus the form around it.
WEBCARE_REPLY_UPLOAD_MAX_BYTES = env_int("WEBCARE_REPLY_UPLOAD_MAX_BYTES", 101 * _MB)
WEBCARE_IMPORT_UPLOAD_MAX_BYTES = 51 * _MB  # contact import: a CSV of at most 50 MB
# Bodies read into memory (webhooks, form fields): Django's own check, global, so it is the
# largest any route reads whole (an email webhook); each route's own, smaller limit above is
# enforced before the body is read (webcare.body_limits). And the size above which an upload
# goes to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(WEBCARE_WEBHOOK_MAX_BYTES, WEBCARE_EMAIL_WEBHOOK_MAX_BYTES)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Password-reset e-mails: at most this many per address and per e-mail address an hour (more
# requests get the same "sent" page and no e-mail).
WEBCARE_PASSWORD_RESETS_PER_ADDRESS = env_int("WEBCARE_PASSWORD_RESETS_PER_ADDRESS", 5)
WEBCARE_PASSWORD_RESETS_PER_EMAIL = env_int("WEBCARE_PASSWORD_RESETS_PER_EMAIL", 3)

# --- E-mail: invitations and password links ---------------------------------------------------
# Without EMAIL_HOST nothing is sent: leads copy the one-time link from the screen instead.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "webcare@localhost")
WEBCARE_EMAIL_CONFIGURED = bool(env_str("EMAIL_HOST", ""))

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    # Behind a TLS-terminating proxy, trust its scheme header; only a proxy in TRUSTED_PROXIES
    # can send it (kernel.proxies drops it from anyone else), and with none it is not read.
    if TRUSTED_PROXIES:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SILENCED_SYSTEM_CHECKS = ["security.W021"] if not SECURE_HSTS_PRELOAD else []
    # /healthz is probed over plain HTTP by load balancers and compose.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Logging: secrets in query strings --------------------------------------------------------
# Django applies LOGGING through this function, which also puts a filter on the request loggers
# (uvicorn, runserver) that redacts token-like query parameters such as hub.verify_token.
LOGGING_CONFIG = "webcare.logs.logging_configure"
# --- end of logging: secrets in query strings -------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Django's own console handler on "django" (with DEBUG) would print every record a second
    # time next to the root's: the root alone writes.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "django": {"handlers": [], "propagate": True}},
}
