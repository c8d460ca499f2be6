"""Django settings, read from the environment. Every variable is listed in .env.example."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import platformdirs

from portfolium.core.env import ConfigError, envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent

DEBUG = envbool("PORTFOLIUM_DEBUG", False)
DATA_DIR = Path(envstr("PORTFOLIUM_DATA_DIR") or platformdirs.user_data_dir("portfolium")).expanduser()

_secret = envstr("PORTFOLIUM_SECRET_KEY")
if not _secret:
    if not DEBUG:
        raise ConfigError(
            "PORTFOLIUM_SECRET_KEY is not set. Set it (50+ random characters), or use `portfolium serve`/"
            "`portfolium demo`, which keep one in the data directory, or set PORTFOLIUM_DEBUG=1 for development."
        )
    _secret = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = _secret

ALLOWED_HOSTS = envlist("PORTFOLIUM_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("PORTFOLIUM_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves Swagger UI from the package: /api/docs works offline
    "portfolium.core",
    "portfolium.accounts",
    "portfolium.portfolios",
    "portfolium.projects",
    "portfolium.scheduling",
    "portfolium.audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "portfolium.urls"
WSGI_APPLICATION = "portfolium.wsgi.application"

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
    }
]

_default_db = f"sqlite:///{DATA_DIR / 'portfolium.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(envstr("DATABASE_URL") or _default_db, conn_max_age=60),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets pages read while a write is in flight; IMMEDIATE avoids lock-upgrade deadlocks.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"].setdefault("TEST", {})

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portfolios:tree"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = envstr("PORTFOLIUM_TIME_ZONE", "UTC") or "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
# Only for `django-admin collectstatic` behind a web server; whitenoise serves from the package otherwise.
_static_root = envstr("PORTFOLIUM_STATIC_ROOT")
STATIC_ROOT = Path(_static_root) if _static_root else None
STATICFILES_DIRS = [BASE_DIR / "static"]  # the project-wide CSS/JS in src/portfolium/static/portfolium/
WHITENOISE_USE_FINDERS = True  # serve straight from the package: no collectstatic step to run the product
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("PORTFOLIUM_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

NINJA_PAGINATION_PER_PAGE = envint("PORTFOLIUM_API_PAGE_SIZE", 50)
NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("PORTFOLIUM_LOG_LEVEL", "WARNING") or "WARNING"},
}
