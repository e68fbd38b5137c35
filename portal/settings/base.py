"""Settings shared by every environment.

Everything that differs between a laptop and production is read from the
environment (see docs/configuration.md); the defaults give the embedded set-up:
SQLite, the embedded search and a local-memory cache.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean; refuse anything that is not clearly yes or no."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false)")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "home",
    "services",
    "places",
    "notices",
    "search",
    "sheets",
    "catalog",
    "django_tasks",
    "django_tasks_db",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # 繁體 view: converts resident pages for whoever chose it; marks them Vary: Cookie (home/reading.py).
    "home.reading.TraditionalScriptMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "home.reading.reading_context",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# Database: DATABASE_URL, else a SQLite file in the project folder.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Editors save while residents read: WAL lets reads go on during a write,
    # and a busy timeout makes a concurrent writer wait instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: REDIS_URL, else local memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # A cache outage must not take the site down.
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# "shared": what one process makes and another shows (a draft's sheet preview,
# made by the task worker, shown by the web server). Redis when configured, else
# files under var/cache, which every process on this machine sees.
CACHES["shared"] = (
    {**CACHES["default"], "KEY_PREFIX": "portal-shared"}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("SHARED_CACHE_DIR", str(BASE_DIR / "var" / "cache" / "shared")),
    }
)

# Client addresses (home/clients.py), for rate limits and for counting a search
# once per client: X-Forwarded-For is believed only when the request comes from
# one of these proxies (addresses or networks, comma-separated, e.g. the nginx
# in front of the app: TRUSTED_PROXIES=127.0.0.1). Default none: REMOTE_ADDR.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an address or network") from error
# django-ratelimit's key="ip" reads the same address.
RATELIMIT_IP_META_KEY = "home.clients.client_address"

# Search: ELASTICSEARCH_URL selects the Elasticsearch backend; unset means the
# embedded backend on the project's own database.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
# Wagtail's own search (admin page search, choosers, snippet listings,
# Model.objects.search()) analyses Chinese as residents' search does
# (docs/search.md, "In the admin"); it keeps Wagtail's own index tables too.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "search.wagtail_backend"},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Residents and editors get Chinese whatever language their browser asks for
# (LocaleMiddleware picks among LANGUAGES); an editor may still choose English
# on the account page (WAGTAILADMIN_PERMITTED_LANGUAGES).
LANGUAGES = [("zh-hans", "简体中文")]
# The project's own translations come first: the strings Wagtail's and Django's
# zh_Hans catalogues lack or get wrong (locale/README.md). The .mo files are
# compiled from the .po files by scripts/bootstrap.sh.
LOCALE_PATHS = [BASE_DIR / "locale"]
# Wagtail's sign-in form leaves the password field without a label ("Password").
WAGTAILADMIN_USER_LOGIN_FORM = "home.forms.LoginForm"
# No avatars from gravatar.com: blocked in China, and it would receive a hash of
# every editor's e-mail address. Editors get Wagtail's default avatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# One town, one time zone: the account page shows no list of the world's zones.
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
# No calls to Wagtail's release server (unreachable from many government
# networks) and no English "upgrade available" or "what's new" banners.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "便民服务门户")
# A guide's unit reviewers publish it by approving it (services/models/review.py).
WAGTAIL_FINISH_WORKFLOW_ACTION = "services.workflow_actions.publish_approved"
# Wagtail 7.4's autosave is off. Tried in the browser journeys, it raced our review
# workflow twice: a submit refused by the quality gate while an autosave was in
# flight came back warning of a version "saved in another window"; and a
# reviewer's 批准 was followed by a second workflow-action POST that saved a stray
# draft over the approved guide and answered 500. Editors still get Wagtail's
# warning before leaving a page with unsaved changes. Revisit when upstream's
# autosave fixes (wagtail/wagtail#14189, #14198) are in the LTS line we use.
WAGTAIL_AUTOSAVE_INTERVAL = 0
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "wps", "jpg", "png"]
WAGTAIL_DATE_FORMAT = "%Y-%m-%d"
WAGTAIL_DATETIME_FORMAT = "%Y-%m-%d %H:%M"

# Where load_catalog looks when no path is given: CATALOG_DIR, else the shared
# reference catalog beside the project, else the copy the project ships.
CATALOG_DIR = os.environ.get("CATALOG_DIR", "")

# Tasks (django-tasks, Django 6's API). "default" is what Wagtail uses for its
# own index updates and stays immediate, as Wagtail expects. Clarity sheets
# (明白纸) are rendered after a publish by the "sheets" backend: by default a
# queue in the project's own database (django-tasks-db), worked off by
# `manage.py db_worker --backend sheets` (started by `make run`, a systemd unit
# in production: docs/operations.md). SHEETS_TASKS_BACKEND may name another
# backend, e.g. sheets.tasks.ThreadBackend (a thread in the web process, no
# worker needed).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "sheets": {"BACKEND": os.environ.get("SHEETS_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")},
}
SHEETS_RENDER_TIMEOUT = float(os.environ.get("SHEETS_RENDER_TIMEOUT", "20"))  # seconds, on a request
SHEETS_CONCURRENT_RENDERS = int(os.environ.get("SHEETS_CONCURRENT_RENDERS", "2"))  # per process
CONTENT_DIR = BASE_DIR / "content"

# `manage.py run_scheduler` runs Wagtail's publish_scheduled this often
# (seconds): scheduled go-live and expiry (下架) take effect within this time.
SCHEDULER_INTERVAL = float(os.environ.get("SCHEDULER_INTERVAL", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail 7 runs index updates as immediate tasks and logs each one.
        "django_tasks": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO; its warnings still show.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
