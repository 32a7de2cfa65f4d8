"""Settings for om-records, read from environment variables with embedded defaults.

The defaults run the site on one machine with no other service: SQLite and the
Whoosh index under ``var/``, mail to the console. Production sets the variables
documented in the README.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OM_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # home of the embedded defaults (SQLite, index, media)


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable into a list without blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY fehlt: in Produktion muss SECRET_KEY gesetzt sein "
            "(für die lokale Entwicklung DEBUG=1 setzen)."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "cms.apps.CmsConfig",
    "om_pages",
    "workflow",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
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
    "django_tasks",  # the tasks framework (Wagtail 8 installs it)
    "django_tasks_db",  # its database queue, shared by all web hosts
    "django_filters",
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
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'om-records.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # One test database per DATABASE_URL name, so CI's PostgreSQL run is isolated.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = (
        "test_" + DATABASES["default"]["NAME"]
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# German throughout: public site and admin (R19: the groups maintain their pages themselves).
LANGUAGE_CODE = "de"
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = [("de", "Deutsch"), ("en", "English")]
# The admin's date pickers show and read German dates (om_pages/widgets.py);
# Django's German input formats (and ISO) are accepted by the form fields.
WAGTAIL_DATE_FORMAT = "%d.%m.%Y"
WAGTAIL_DATETIME_FORMAT = "%d.%m.%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
WAGTAILADMIN_USER_LOGIN_FORM = "om_pages.login.GermanLoginForm"  # German: "Passwort"
WAGTAIL_I18N_ENABLED = False
# One approval system (R10, R11): decisions run through the Vorgänge of workflow.machines.
# Wagtail's moderation workflows are off (no "Einreichen" actions, no second to-do list);
# migration workflow/0008 removed the default "Moderators approval" workflow.
WAGTAIL_WORKFLOW_ENABLED = False

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [path for path in [BASE_DIR / "static"] if path.is_dir()]  # absent dir: staticfiles.W004
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
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

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "om-records <noreply@localhost>")

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Deadlines and reminders (issue 16, workflow/deadlines.py, `manage.py om_notify`): days until a
# waiting step is due, per body and machine; the AG Transfer and the Plenum are due at their
# next Sitzung after the step began, at most these days. A body or machine not named: no due date.
_ALL_KINDS = ("anerkennung", "produkt", "veranstaltung")
OM_DUE_DAYS = {
    "leitungskreis": dict.fromkeys(_ALL_KINDS, 28),
    "ag_transfer": dict.fromkeys(_ALL_KINDS, 42),
    "plenum": dict.fromkeys(_ALL_KINDS, 42),
    "redaktion": dict.fromkeys(_ALL_KINDS, 7),
}
OM_DUE_AT_NEXT_SITZUNG = ("ag_transfer", "plenum")
# A reminder this many days before due, one when due; the Leitungskreis is told this many days after.
OM_REMIND_DAYS_BEFORE = int(os.environ.get("OM_REMIND_DAYS_BEFORE", "7"))
OM_ESCALATE_DAYS = int(os.environ.get("OM_ESCALATE_DAYS", "14"))
# From this day of the year (month, day) the groups are reminded of their duties (R12, R24).
OM_DUTIES_REMIND_FROM = (11, 1)

# om_backup signs each archive with this key (HMAC-SHA256), om_restore refuses any
# archive without a valid signature. Keep it apart from the archives (docs/operations.md).
OM_BACKUP_KEY = os.environ.get("OM_BACKUP_KEY", "")

WAGTAIL_SITE_NAME = "Offensive Mittelstand – Fachgruppen"
# No avatars from gravatar.com: no e-mail hashes leave the site, nothing breaks offline.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "png", "jpg", "jpeg", "txt", "md"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = int(os.environ.get("OM_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
# Every admin document upload is checked by content (om_pages/uploads.py).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "om_pages.uploads.DocumentForm"
# Documents are only ever served by Django's view, after the access check of
# om_pages/files.py (a file follows its page, R19, R11); never by the proxy from MEDIA_ROOT.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Optional speed-up: after the check the proxy sends the bytes from an internal-only location
# (om_pages/sendfile.py): "nginx" (X-Accel-Redirect to OM_SENDFILE_URL) or "xsendfile".
OM_DOCUMENTS_SENDFILE = os.environ.get("OM_DOCUMENTS_SENDFILE", "").strip().lower()
OM_SENDFILE_URL = os.environ.get("OM_SENDFILE_URL", "/_dokumente_intern/")
if OM_DOCUMENTS_SENDFILE:
    if OM_DOCUMENTS_SENDFILE not in {"nginx", "xsendfile"}:
        raise ImproperlyConfigured(
            f"OM_DOCUMENTS_SENDFILE={OM_DOCUMENTS_SENDFILE!r}: erlaubt sind „nginx“ und „xsendfile“.")
    SENDFILE_BACKEND = "om_pages.sendfile"

# --- Search: Whoosh (one web host) or PostgreSQL (several hosts), German analysis. -----------
# Wagtail reads WAGTAILSEARCH_BACKENDS; plain modelsearch would read MODELSEARCH_BACKENDS.
# OM_SEARCH_BACKEND=whoosh (default): index files under OM_SEARCH_INDEX_DIR, local disk,
# one web host. OM_SEARCH_BACKEND=postgres: modelsearch's PostgreSQL backend with the German
# text search configuration (search/backends/postgres.py), the index in the shared
# database, for several web hosts (docs/search.md, "Several web hosts").
OM_SEARCH_BACKEND = os.environ.get("OM_SEARCH_BACKEND", "whoosh").strip().lower() or "whoosh"
OM_SEARCH_INDEX_DIR = Path(os.environ.get("OM_SEARCH_INDEX_DIR", VAR_DIR / "whoosh"))
if OM_SEARCH_BACKEND == "whoosh":
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.whoosh",
            "PATH": str(OM_SEARCH_INDEX_DIR),
            "LOCK_TIMEOUT": float(os.environ.get("OM_SEARCH_LOCK_TIMEOUT", "60")),
            # update_index's worker processes (0: the machine's cores, at most 4).
            "REBUILD_PROCS": int(os.environ.get("OM_SEARCH_REBUILD_PROCS", "0") or 0),
        },
    }
elif OM_SEARCH_BACKEND == "postgres":
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "OM_SEARCH_BACKEND=postgres braucht eine PostgreSQL-Datenbank: DATABASE_URL "
            "muss mit postgres:// beginnen (konfiguriert ist "
            f"{DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}). Für einen einzelnen "
            "Webserver OM_SEARCH_BACKEND=whoosh setzen oder weglassen."
        )
    WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "search.backends.postgres", "SEARCH_CONFIG": "german"},
    }
else:
    raise ImproperlyConfigured(
        f"OM_SEARCH_BACKEND={OM_SEARCH_BACKEND!r} ist unbekannt: erlaubt sind "
        "„whoosh“ (Standard, ein Webserver) und „postgres“ (mehrere Webserver)."
    )
MODELSEARCH_BACKENDS = WAGTAILSEARCH_BACKENDS
# --- end search --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Search for users: attachment text hook and search page facets -------------
# om_pages calls this function for each attached document (no import of the search app).
OM_ATTACHMENT_TEXT_EXTRACTOR = "search.extraction.document_text"
# Pages that own records: the "Fachgruppe / Gremium" facet of the search page.
OM_SEARCH_OWNER_PAGE_TYPES = ["om_pages.FachgruppePage", "om_pages.GremiumPage"]
# The date of a record (facet "Jahr", von/bis, sort by date); other pages use first_published_at.
OM_SEARCH_DATE_FIELDS = {
    "om_pages.ProtokollPage": "date",
    "om_pages.VeranstaltungPage": "start",
    "om_pages.JahresberichtPage": "year",
}
# --- Attachments cannot exhaust the server ---------------------------------------
# Archives (DOCX, ODT, XLSX) over these limits are refused at upload and never parsed
# (om_pages/archives.py): declared unpacked size, unpacked ÷ packed, number of members.
OM_MAX_UNPACKED_BYTES = int(os.environ.get("OM_MAX_UNPACKED_BYTES", 100 * 1024 * 1024))
OM_MAX_COMPRESSION_RATIO = float(os.environ.get("OM_MAX_COMPRESSION_RATIO", "100"))
OM_MAX_ARCHIVE_MEMBERS = int(os.environ.get("OM_MAX_ARCHIVE_MEMBERS", "1000"))
# Text extraction runs in a child process with these limits (search/sandbox.py).
OM_EXTRACTION_MAX_CPU_SECONDS = int(os.environ.get("OM_EXTRACTION_MAX_CPU_SECONDS", "30"))
OM_EXTRACTION_MAX_MEMORY_BYTES = int(os.environ.get("OM_EXTRACTION_MAX_MEMORY_BYTES", 768 * 1024 * 1024))
# A queued extraction not done after this long (its worker died) is queued again.
OM_EXTRACTION_RETRY_SECONDS = int(os.environ.get("OM_EXTRACTION_RETRY_SECONDS", "900"))
# Tasks (django-tasks): Wagtail's own tasks (search index, reference index of a saved page)
# stay immediate, so a page is findable by its own text when the request returns. The
# attachment text is extracted by the task backend "extraction": the database queue of
# django-tasks-db, worked off by `manage.py db_worker --backend extraction` (started by
# `make run` and `make serve`). OM_EXTRACTION_BACKEND=immediate extracts inside the
# request instead (single-process trials only; never in production).
OM_EXTRACTION_TASK_BACKEND = "extraction"
_EXTRACTION_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_extraction_backend = os.environ.get("OM_EXTRACTION_BACKEND", "database").strip().lower()
if _extraction_backend not in _EXTRACTION_BACKENDS:
    raise ImproperlyConfigured(
        f"OM_EXTRACTION_BACKEND {_extraction_backend!r} wird nicht unterstützt: database oder immediate."
    )
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    OM_EXTRACTION_TASK_BACKEND: {"BACKEND": _EXTRACTION_BACKENDS[_extraction_backend]},
}
# --- Production hardening --------------------------------------------------------
MIDDLEWARE.insert(1, "cms.middleware.RejectNulBytesMiddleware")  # NUL never reaches PostgreSQL
# HTTPS-only cookies, HSTS and a TLS redirect whenever DEBUG is off; each can be tuned by an
# environment variable (README, docs/operations.md). `make run` (DEBUG=1) keeps plain http.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail marks its own preview views SAMEORIGIN
SESSION_COOKIE_HTTPONLY = True
# Behind a TLS-terminating proxy: name the header it sets, e.g. SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto.
# Only set this when the proxy always overwrites the header (Django docs, SECURE_PROXY_SSL_HEADER).
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    _proxy_header = os.environ["SECURE_PROXY_SSL_HEADER"].strip().upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (f"HTTP_{_proxy_header}", "https")
    USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)


def cache_from_url(url: str) -> dict:
    """Django CACHES entry from CACHE_URL: redis://, rediss://, unix:// (Redis), locmem://, dummy://."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme in {"redis", "rediss", "unix"}:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "om-records"),
            "TIMEOUT": int(os.environ.get("CACHE_TIMEOUT", "300")),
        }
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": url[9:] or "om"}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL {url!r} wird nicht unterstützt: redis://, rediss://, unix://, locmem:// oder dummy://."
    )


CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL") or "locmem://om-records")}

# --- Anonymous page cache (issue 18): cms.page_cache ------------------------------------
# Public pages and feeds for visitors who are not signed in, kept this many seconds on the
# cache above; 0 switches it off. Invalidated on every public change (cms/page_cache_signals.py).
OM_PAGE_CACHE_SECONDS = int(os.environ.get("OM_PAGE_CACHE_SECONDS", "300"))
# With the local-memory cache (one per process) the generation lives in this file, shared by
# all processes of the host; with Redis it lives in Redis.
OM_PAGE_CACHE_GENERATION_FILE = Path(
    os.environ.get("OM_PAGE_CACHE_GENERATION_FILE", VAR_DIR / "page-cache-generation"))
# After AuthenticationMiddleware (request.user decides), before the middleware whose headers
# belong to the stored page (X-Frame-Options); the CSP middleware outside adds its header to hits.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "cms.page_cache.AnonymousPageCacheMiddleware",
)

# --- Content-Security-Policy: cms.middleware.ContentSecurityPolicyMiddleware ---------
# Outside XFrameOptionsMiddleware, so it sees X-Frame-Options (DENY -> frame-ancestors 'none').
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "cms.middleware.ContentSecurityPolicyMiddleware",
)
# The public site runs no script and no inline style at all.
OM_CSP_PUBLIC = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
# The Wagtail 8 admin writes inline <script> blocks (date widgets, inline panels) and inline
# styles (Draftail, panels), and previews in an iframe of its own origin.
OM_CSP_ADMIN = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
OM_CSP_ADMIN_PREFIX = "/admin/"
# The dashboard's upgrade notice fetches releases.wagtail.org from the browser: against the
# policy (connect-src 'self') and, like avatars above, nothing should leave the site. Upgrades
# are followed through pyproject.toml instead.
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Added to both, e.g. "report-uri https://csp.example.org/r; frame-src https://www.youtube-nocookie.com".
OM_CSP_EXTRA = os.environ.get("OM_CSP", "")
OM_CSP_REPORT_ONLY = env_bool("OM_CSP_REPORT_ONLY", False)
