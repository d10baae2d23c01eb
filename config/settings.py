"""Django settings for CreatorVault, read from the environment (see `.env.example`).

With no environment at all the service runs in DEBUG mode on an embedded SQLite database kept
in the git-ignored `.state/` folder. With `DEBUG=False` it refuses to start unless the production
secrets are set (see `creatorvault.config_checks`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import environ
from csp import constants as _csp_constants

from creatorvault.config_checks import ensure_production_ready

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# --- Core ---------------------------------------------------------------------------------------
DEBUG: bool = env.bool("DEBUG", default=True)
ENVIRONMENT: str = env.str("ENVIRONMENT", default="development" if DEBUG else "production")
SERVICE_NAME = "creatorvault-api"
STATE_DIR = Path(env.str("STATE_DIR", default=str(BASE_DIR / ".state")))
# Development-only fallback: production is refused below unless a real SECRET_KEY is set.
INSECURE_DEV_SECRET_KEY = "django-insecure-dev-only-never-use-in-production"  # noqa: S105
SECRET_KEY: str = env.str("SECRET_KEY", default=INSECURE_DEV_SECRET_KEY if DEBUG else "")
# Earlier secret keys, still accepted while they are phased out (personal access token hashes are
# keyed with SECRET_KEY: a token made under a fallback key still works and is re-hashed on use).
SECRET_KEY_FALLBACKS: list[str] = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS: list[str] = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
# The container's HEALTHCHECK and in-pod probes call 127.0.0.1 directly.
PROBE_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    # The backoffice first, so its templates override the admin's; then the admin itself, with the
    # backoffice's branded, rate-limited site as the default site (backoffice/apps.py).
    "backoffice",
    "backoffice.apps.AdminSiteConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "creatorvault",
    "accounts",
    "ideas",
    "audit",
    "assistant",
    "privacy",
]

MIDDLEWARE = [
    # Request id and the log line; writes no response of its own.
    "creatorvault.middleware.RequestContextMiddleware",
    # Compresses large JSON answers (errors and CORS headers included) on the way out.
    "creatorvault.middleware.LargeJSONGzipMiddleware",
    # CORS is the outermost layer that writes a response: every answer below it (413, 429, 500,
    # 503 included) carries the CORS headers, so a browser page can read the error.
    # django-cors-headers', shortcut for requests without an Origin (creatorvault.middleware).
    "creatorvault.middleware.OriginlessCorsMiddleware",
    "creatorvault.middleware.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # django-csp's, with the settings' policy built once (creatorvault.middleware).
    "creatorvault.middleware.StaticCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Bearer-token requests under /api/ (creatorvault.lean_asgi, production's ASGI serving) skip what only
# browser sessions use: sessions, CSRF, Django's authentication (DRF authenticates the token),
# messages, and static files. Everything else keeps its place and order in MIDDLEWARE.
API_SKIPPED_MIDDLEWARE = frozenset(
    {
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    }
)
API_MIDDLEWARE = [path for path in MIDDLEWARE if path not in API_SKIPPED_MIDDLEWARE]
# Threads per process that run those requests, each in one call (creatorvault.lean_asgi). A few
# keep the worker's interpreter busy while others wait on the database or Redis; past that, each
# thread more only adds hand-offs of the interpreter lock (57 futex calls a served detail with
# four threads). Side by side, an hour apart on one machine, 2 against 4: every operation's req/s
# higher (detail 1.46x against 1.23x the peer, the lists 2.47x/1.92x against 2.07x/1.62x), CPU
# and p99 lower. 3 against 2, interleaved served rounds: create +4-8% (a create waits on its
# commit's WAL flush), detail and the typical list within 1%. Raise it for a deployment whose
# API requests mostly wait on slow I/O.
API_SYNC_THREADS: int = env.int("API_SYNC_THREADS", default=3)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
# Paths are declared with an optional trailing slash; never redirect.
APPEND_SLASH = False

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
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# DATABASE_URL selects PostgreSQL (psycopg 3). Connections come from psycopg's pool, with short
# connect and checkout timeouts so a dead database fails a request fast instead of hanging a worker.
DB_CONNECT_TIMEOUT: int = env.int("DB_CONNECT_TIMEOUT", default=2)
DB_POOL_TIMEOUT: float = env.float("DB_POOL_TIMEOUT", default=2.0)
DB_POOL_MIN_SIZE: int = env.int("DB_POOL_MIN_SIZE", default=1)
DB_POOL_MAX_SIZE: int = env.int("DB_POOL_MAX_SIZE", default=10)
# How long the pool keeps retrying one failed connection (with doubling delays) before giving
# up; the next checkout starts afresh. psycopg's default (5 min) let the delays grow past 8 s, so
# the service kept answering 503 for seconds after the database was back. Short, it reconnects
# within about a second of the database's return.
DB_POOL_RECONNECT_TIMEOUT: float = env.float("DB_POOL_RECONNECT_TIMEOUT", default=2.0)
# Server-side parameter binding (psycopg's `Cursor`, not `ClientCursor`): the values travel apart
# from the SQL, so psycopg need not quote each one into the statement text, and a statement run
# DB_PREPARE_THRESHOLD times on one connection is prepared there (the pool keeps connections, so
# the hot reads' statements stay prepared). DB_PREPARE_THRESHOLD=-1 never prepares. Off by default:
# measured on top of the compiled hot-read shapes (ideas.selectors.compiled) it saved no CPU beyond
# the benchmark's noise, and the test suite runs with client-side binding.
# The lean API path's threads (creatorvault.lean_asgi) keep their pooled connection from one
# request to the next (a checkout and a return per request were ~7% of a detail's instructions):
# each gives it back after DB_HOLD_SECONDS held, after DB_HOLD_IDLE_SECONDS without a request, and
# at once when a database error left it unusable. DB_HOLD_SECONDS=0 returns it after every request.
DB_HOLD_SECONDS: float = env.float("DB_HOLD_SECONDS", default=30.0)
DB_HOLD_IDLE_SECONDS: float = env.float("DB_HOLD_IDLE_SECONDS", default=1.0)
DB_SERVER_SIDE_BINDING: bool = env.bool("DB_SERVER_SIDE_BINDING", default=False)
DB_PREPARE_THRESHOLD: int = env.int("DB_PREPARE_THRESHOLD", default=-1)


if "DATABASE_URL" in env:
    _db = env.db_url("DATABASE_URL")
    if _db["ENGINE"] in ("django.db.backends.postgresql", "django.db.backends.postgresql_psycopg2"):
        # Django's backend, with pool-wait metrics and psycopg's own message on a failed connection.
        _db["ENGINE"] = "creatorvault.postgresql"
        _db["CONN_MAX_AGE"] = 0  # the pool owns connection lifetime
        _db.setdefault("OPTIONS", {})
        _db["OPTIONS"].update(
            {
                "connect_timeout": DB_CONNECT_TIMEOUT,
                "application_name": SERVICE_NAME,
                "server_side_binding": DB_SERVER_SIDE_BINDING,
                "prepare_threshold": None if DB_PREPARE_THRESHOLD < 0 else DB_PREPARE_THRESHOLD,
                "pool": {
                    "min_size": DB_POOL_MIN_SIZE,
                    "max_size": DB_POOL_MAX_SIZE,
                    "timeout": DB_POOL_TIMEOUT,
                    "reconnect_timeout": DB_POOL_RECONNECT_TIMEOUT,
                },
            }
        )
    DATABASES = {"default": _db}
else:
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": STATE_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 5, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------------
# REDIS_URL makes Redis the shared cache: rate-limit counters and the JWKS key set are then shared
# by every gunicorn worker. Without it a per-process memory cache is used (fine for one process).
# A frozen Redis (accepting, never answering) costs a socket timeout per operation: timeouts are
# short, and a circuit breaker (creatorvault.cache) then skips Redis for REDIS_BREAKER_SECONDS.
REDIS_URL: str = env.str("REDIS_URL", default="")
REDIS_SOCKET_TIMEOUT: float = env.float("REDIS_SOCKET_TIMEOUT", default=0.25)
REDIS_BREAKER_SECONDS: float = env.float("REDIS_BREAKER_SECONDS", default=10.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "creatorvault.cache.CircuitBreakerRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cv",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "creatorvault",
        }
    }

# --- Authentication (Better Auth JWTs) ---------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
BETTER_AUTH_URL: str = env.str("BETTER_AUTH_URL", default="").rstrip("/")
BETTER_AUTH_JWKS_URL: str = env.str(
    "BETTER_AUTH_JWKS_URL", default=f"{BETTER_AUTH_URL}/api/auth/jwks" if BETTER_AUTH_URL else ""
)
BETTER_AUTH_PUBLIC_KEY: str = env.str("BETTER_AUTH_PUBLIC_KEY", default="", multiline=True)
BETTER_AUTH_ISSUER: str = env.str("BETTER_AUTH_ISSUER", default=BETTER_AUTH_URL)
BETTER_AUTH_AUDIENCE: str = env.str("BETTER_AUTH_AUDIENCE", default=BETTER_AUTH_URL)
JWT_ALGORITHMS: list[str] = env.list("JWT_ALGORITHMS", default=["EdDSA"])
JWT_LEEWAY_SECONDS: int = env.int("JWT_LEEWAY_SECONDS", default=30)
JWT_MAX_LIFETIME_SECONDS: int = env.int("JWT_MAX_LIFETIME_SECONDS", default=3600)
JWT_MAX_TOKEN_BYTES: int = env.int("JWT_MAX_TOKEN_BYTES", default=8192)
# How long the caller's account stays in the shared cache (accounts.caller_cache); 0 turns it off.
# Any write of the account through the ORM (deactivation included) forgets it at once in every
# worker, which needs a cache the workers share: off by default without Redis.
CALLER_CACHE_SECONDS: int = env.int("CALLER_CACHE_SECONDS", default=60 if REDIS_URL else 0)
# How long a list's total stays remembered in the shared cache (ideas.totals); 0 turns it off. Any
# write of the owner's ideas makes their totals stale at once in every worker, which needs a cache
# the workers share: off by default without Redis.
LIST_TOTALS_CACHE_SECONDS: int = env.int("LIST_TOTALS_CACHE_SECONDS", default=120 if REDIS_URL else 0)
# How long a key Better Auth retired may stay trusted; how long an issuer outage may last before
# cached keys stop being trusted; how often a token newer than the cached set may fetch a new key.
JWKS_CACHE_SECONDS: int = env.int("JWKS_CACHE_SECONDS", default=300)
JWKS_MAX_STALE_SECONDS: int = env.int("JWKS_MAX_STALE_SECONDS", default=6 * 3600)
JWKS_NEW_KEY_COOLDOWN_SECONDS: int = env.int("JWKS_NEW_KEY_COOLDOWN_SECONDS", default=1)
JWKS_REFETCH_COOLDOWN_SECONDS: int = env.int("JWKS_REFETCH_COOLDOWN_SECONDS", default=30)
# A request that must wait for a fetch (a cold worker, an unknown kid) waits at most this long:
# short enough that even then the answer (a 503 when the issuer hangs) comes within 3 s.
JWKS_FETCH_TIMEOUT_SECONDS: float = env.float("JWKS_FETCH_TIMEOUT_SECONDS", default=2.0)
# Development tokens: a local Ed25519 key pair in STATE_DIR, trusted only with DEBUG on and no
# Better Auth configured. `manage.py mint_token` signs tokens with it.
DEV_AUTH: bool = DEBUG and not (BETTER_AUTH_URL or BETTER_AUTH_JWKS_URL or BETTER_AUTH_PUBLIC_KEY)
DEV_AUTH_ISSUER = "http://127.0.0.1:8000"
if DEV_AUTH:
    BETTER_AUTH_ISSUER = BETTER_AUTH_ISSUER or DEV_AUTH_ISSUER
    BETTER_AUTH_AUDIENCE = BETTER_AUTH_AUDIENCE or DEV_AUTH_ISSUER

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Encryption at rest -------------------------------------------------------------------------
# ENCRYPTION_KEYS: comma-separated `key_id:base64url(32 bytes)`; the first encrypts, all decrypt.
ENCRYPTION_KEYS: list[str] = env.list("ENCRYPTION_KEYS", default=[])
# Development only: with DEBUG on and no keys, one key is generated into STATE_DIR/encryption/.
ENCRYPTION_DEV_KEYS: bool = DEBUG and not ENCRYPTION_KEYS
# Rows per transaction for `rotate_encryption_key` and the sealing data migration.
ENCRYPTION_BATCH_SIZE: int = env.int("ENCRYPTION_BATCH_SIZE", default=500)

# --- Trash and revision history ---------------------------------------------------------------
# Revisions kept per idea (the newest ones; older ones are deleted as new ones arrive). At least 1.
REVISIONS_KEEP: int = env.int("REVISIONS_KEEP", default=50)
# `manage.py purge_trash` destroys ideas trashed longer ago than this, unless told --older-than.
TRASH_RETENTION_DAYS: int = env.int("TRASH_RETENTION_DAYS", default=30)

# --- API ----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Personal access tokens (`cvp_…`) first: they are recognised by their prefix, never parsed as JWTs.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.PersonalAccessTokenAuthentication",
        "accounts.authentication.BetterAuthJWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["creatorvault.api.renderers.EnvelopeJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["creatorvault.api.renderers.BoundedJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "creatorvault.api.renderers.JSONOnlyNegotiation",
    "DEFAULT_SCHEMA_CLASS": "creatorvault.api.autoschema.ScopedAutoSchema",
    "EXCEPTION_HANDLER": "creatorvault.api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}
# JSON responses of at least this many bytes are gzipped for clients that accept it.
GZIP_MIN_BYTES: int = env.int("GZIP_MIN_BYTES", default=16_384)
# Bodies above this many bytes are refused with 413 PAYLOAD_TOO_LARGE.
API_MAX_BODY_BYTES: int = env.int("API_MAX_BODY_BYTES", default=262_144)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES

SPECTACULAR_SETTINGS = {
    "TITLE": "CreatorVault API",
    "DESCRIPTION": "See creatorvault/schema.py (kept beside the envelope it describes).",
    "VERSION": "1.0.0",
    "LICENSE": {"name": "Proprietary: all rights reserved"},
    # Where generated clients point by default (they take a base URL anyway).
    "SERVERS": [
        {
            "url": env.str("OPENAPI_SERVER_URL", default="http://127.0.0.1:8000"),
            "description": "This deployment (OPENAPI_SERVER_URL; `make run` by default)",
        }
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No request leaves our origin: no online validator badge, system fonts for ReDoc (its default
    # fonts come from Google; templates/drf_spectacular/redoc.html drops that link).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "REDOC_UI_SETTINGS": {
        "theme": {
            "typography": {
                "fontFamily": "system-ui, -apple-system, 'Segoe UI', sans-serif",
                "headings": {"fontFamily": "system-ui, -apple-system, 'Segoe UI', sans-serif"},
                "code": {"fontFamily": "ui-monospace, 'SFMono-Regular', Menlo, monospace"},
            }
        }
    },
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Stage and priority appear under several field names (e.g. the bulk `value`): one enum each.
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "ideas.models.Stage.values",
        "PriorityEnum": "ideas.models.Priority.values",
        "MessageStatusEnum": "assistant.models.conversations.MessageStatus.choices",
        # Kept under its first name (personal tokens) now that messages have a status too.
        "StatusEnum": ["active", "expired", "revoked"],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "creatorvault.api.openapi.envelope_hook",
    ],
}

# --- Assistant (chat) ---------------------------------------------------------------------------
# Any OpenAI-compatible Chat Completions endpoint; without AI_BASE_URL and AI_MODEL the chat answers
# 503 AI_UNAVAILABLE (MCP needs no model).
AI_BASE_URL: str = env.str("AI_BASE_URL", default="")
AI_MODEL: str = env.str("AI_MODEL", default="")
AI_API_KEY: str = env.str("AI_API_KEY", default="")
AI_TIMEOUT_SECONDS: float = env.float("AI_TIMEOUT_SECONDS", default=30.0)
AI_TURN_TIMEOUT_SECONDS: float = env.float("AI_TURN_TIMEOUT_SECONDS", default=120.0)
AI_MAX_TURNS: int = env.int("AI_MAX_TURNS", default=8)
AI_HISTORY_TOKENS: int = env.int("AI_HISTORY_TOKENS", default=6000)
CHAT_RATELIMIT: str = env.str("CHAT_RATELIMIT", default="20/m")
CHAT_MAX_STREAMS: int = env.int("CHAT_MAX_STREAMS", default=2)
CHAT_STREAM_MAX_SECONDS: int = env.int("CHAT_STREAM_MAX_SECONDS", default=300)
CHAT_DAILY_TOKENS: int = env.int("CHAT_DAILY_TOKENS", default=200_000)
CHAT_KEEPALIVE_SECONDS: float = env.float("CHAT_KEEPALIVE_SECONDS", default=10.0)
CHAT_MESSAGE_MAX_CHARS: int = env.int("CHAT_MESSAGE_MAX_CHARS", default=8000)

# --- Assistant (MCP) ----------------------------------------------------------------------------
# MCP_READ_ONLY takes the write tools away from every MCP client (they are not even listed).
MCP_READ_ONLY: bool = env.bool("MCP_READ_ONLY", default=False)
# The MCP server's public resource URL (RFC 9728 `resource`), e.g. https://api.example.com/mcp;
# by default it is made from each request's scheme and (validated) Host.
MCP_RESOURCE_URL: str = env.str("MCP_RESOURCE_URL", default="")

# --- Rate limits --------------------------------------------------------------------------------
RATELIMIT_USER: str = env.str("RATELIMIT_USER", default="100/m")
RATELIMIT_ANON: str = env.str("RATELIMIT_ANON", default="10/m")
RATELIMIT_ENABLE: bool = env.bool("RATELIMIT_ENABLE", default=True)
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True
ADMIN_LOGIN_RATELIMIT: str = env.str("ADMIN_LOGIN_RATELIMIT", default="5/m")

# --- CORS and security headers ------------------------------------------------------------------
CORS_ALLOWED_ORIGINS: list[str] = env.list(
    "ALLOWED_ORIGINS", default=["http://localhost:3000", "http://127.0.0.1:3000"] if DEBUG else []
)
CORS_URLS_REGEX = r"^/api/.*$"
# Request headers a browser page may send (tracing headers included, or browser tracing would
# break every request) and response headers it may read.
CORS_ALLOW_HEADERS: list[str] = env.list(
    "CORS_ALLOW_HEADERS",
    default=[
        "authorization",
        "content-type",
        "if-match",
        "if-none-match",
        "x-request-id",
        "traceparent",
        "tracestate",
        "baggage",
        "sentry-trace",
    ],
)
CORS_EXPOSE_HEADERS: list[str] = env.list(
    "CORS_EXPOSE_HEADERS",
    default=[
        "etag",
        "location",
        "retry-after",
        "x-request-id",
        "www-authenticate",
        "ratelimit-limit",
        "ratelimit-remaining",
        "ratelimit-reset",
    ],
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp) on every Django response: the admin, the docs and the
# landing page load only our own assets. Inline scripts need the per-response nonce (the docs'
# templates carry it); inline styles are allowed because Swagger UI and ReDoc set style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", _csp_constants.NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])
if not DEBUG:
    # TLS terminates at the proxy in front of gunicorn, which sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^health(/.*)?$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Every rendered time carries its zone ("2026-12-02 07:12 UTC"): backoffice/formats/en/formats.py.
FORMAT_MODULE_PATH = ["backoffice.formats"]

# --- Metrics ------------------------------------------------------------------------------------
# /metrics answers only a scraper presenting `Authorization: Bearer <METRICS_TOKEN>`; unset, it is
# closed (404). gunicorn.conf.py keeps the per-worker files in PROMETHEUS_MULTIPROC_DIR.
METRICS_TOKEN: str = env.str("METRICS_TOKEN", default="")

# --- Logging ------------------------------------------------------------------------------------
LOG_LEVEL: str = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "creatorvault.logging.RequestContextFilter"},
        "strip_query_string": {"()": "creatorvault.logging.StripQueryStringFilter"},
    },
    "formatters": {"json": {"()": "creatorvault.logging.JSONFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's default configuration gives `django` a plain-text handler under DEBUG: naming
        # the logger here drops it, so its records reach the root's JSON handler like the rest.
        "django": {"level": LOG_LEVEL, "propagate": True},
        # uvicorn's loggers under `make run` (uvicorn set plain-text handlers before Django started;
        # under gunicorn they are wired to gunicorn's JSON handlers instead, see gunicorn.conf.py).
        **(
            {}
            if "gunicorn" in sys.argv[0]
            else {
                "uvicorn": {"level": "INFO", "propagate": True},
                "uvicorn.error": {"level": "INFO", "propagate": True},
                "uvicorn.access": {"level": "INFO", "propagate": True, "filters": ["strip_query_string"]},
            }
        ),
        # The request middleware writes the one line per request; Django's own duplicates it.
        "django.request": {"level": "CRITICAL", "propagate": True},
        # runserver's request lines carry the query string, i.e. search terms: strip it.
        "django.server": {"level": "WARNING", "propagate": True, "filters": ["strip_query_string"]},
        "django.db.backends": {"level": "WARNING", "propagate": True},
        # The MCP SDK: warnings only (its info lines add nothing to ours).
        "mcp": {"level": "WARNING", "propagate": True},
    },
}

ensure_production_ready(globals())
if ALLOWED_HOSTS:
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, *(h for h in PROBE_HOSTS if h not in ALLOWED_HOSTS)]
