"""Settings for LMNS Assurance.

Everything that differs between a laptop and production comes from the environment:
``DEBUG``, ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL``. With nothing set the app runs
in local development mode on SQLite in the project folder.
"""

import datetime
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)
_DEV_SECRET = "dev-only-insecure-key-change-me-in-production-0123456789abcdef"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "lmns.apps.LmnsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "js_lib_bootstrap5",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tables2",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "lmns.apps.LmnsConfig",
    "assurance.apps.AssuranceConfig",
    "deliverables.apps.DeliverablesConfig",
    "funding.apps.FundingConfig",
    "quality.apps.QualityConfig",
    "boardpack.apps.BoardpackConfig",
    "accounts.apps.AccountsConfig",
    "mail.apps.MailConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lmns.middleware.RequestSizeLimitMiddleware",
    "lmns.middleware.PrivateResponsesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Django's sign-in check, keeping a post that arrives after the session ended.
    "lmns.sessions.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # Until a person who must have a second factor has one: only sign-out and enrolment.
    "accounts.middleware.SecondFactorRequiredMiddleware",
]

ROOT_URLCONF = "lmns.urls"

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
                "lmns.context_processors.navigation",
                "lmns.sessions.session_context",
                "accounts.context_processors.sign_in",
            ],
        },
    },
]

# Plain widgets drawn in Python, exactly as Django's templates draw them (lmns/form_renderer.py).
FORM_RENDERER = "lmns.form_renderer.FastWidgetRenderer"

WSGI_APPLICATION = "lmns.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# SQLite (the zero-set-up default) lets one writer in at a time. Every transaction takes the
# write lock when it begins (IMMEDIATE), so two people saving at once queue for up to
# SQLITE_BUSY_SECONDS instead of one of them failing with "database is locked" halfway through;
# WAL lets pages keep reading while someone writes.
SQLITE_BUSY_SECONDS = 20
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": SQLITE_BUSY_SECONDS,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lmns.people.ActivePeopleBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %b %Y"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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
# Uploaded evidence is private: it lives outside the static tree and there is no public
# MEDIA_URL route. Files are only served through views that check access.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/lmns.html"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60)))
# Pages being edited warn this many seconds before the session ends (see lmns/sessions.py).
SESSION_TIMEOUT_WARNING = int(os.environ.get("SESSION_TIMEOUT_WARNING", str(5 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# The client's address (lmns.security.client_address): behind TRUSTED_PROXY_COUNT proxies, each
# appending to X-Forwarded-For, it is read that many entries from the right. Production runs
# behind one TLS proxy (see SECURE_PROXY_SSL_HEADER) with gunicorn bound to 127.0.0.1.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0" if DEBUG else "1"))

# Sign-in lockout (lmns.security): an account from one address after 5 failures there; an
# address for every account after 20 failures across accounts; for 30 minutes from the last
# failure. A successful sign-in clears that account's failures from that address.
SIGN_IN_LOCKOUT_PER_ACCOUNT_AND_ADDRESS = int(
    os.environ.get("SIGN_IN_LOCKOUT_PER_ACCOUNT_AND_ADDRESS", "5")
)
SIGN_IN_LOCKOUT_PER_ADDRESS = int(os.environ.get("SIGN_IN_LOCKOUT_PER_ADDRESS", "20"))
AXES_FAILURE_LIMIT = "lmns.security.sign_in_failure_limit"
AXES_CLIENT_IP_CALLABLE = "lmns.security.client_address"
AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["ip_address", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = False  # lmns.security.clear_failures_on_sign_in clears the pair's
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# allauth's sign-in form names the field "login"; lmns.security.sign_in_username also reads the
# credentials allauth passes on, and the person behind a wrong second-factor code.
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "lmns.security.sign_in_username"

# Accounts (django-allauth; see docs/accounts.md). Sign-in by user name and password, or through
# the organisation's identity provider; no sign-up; the address is set by an administrator.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.SignInForm"}
MFA_FORMS = {"authenticate": "accounts.forms.SecondFactorForm"}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = False  # sessions end when the browser closes (SESSION_EXPIRE_...)
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PRESERVE_USERNAME_CASING = True
# A reset asked for an address without an account sends nothing (and says the same as always).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "LMNS Assurance: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# One lockout (django-axes, above). allauth's own limits would count in each worker's memory.
ACCOUNT_RATE_LIMITS = False
# Password sign-in can be switched off where everyone signs in through the identity provider;
# the break-glass administrators named here keep password and second factor.
PASSWORD_SIGN_IN_ENABLED = env_bool("PASSWORD_SIGN_IN_ENABLED", True)
BREAK_GLASS_USERNAMES = [
    u.strip() for u in os.environ.get("BREAK_GLASS_USERNAMES", "").split(",") if u.strip()
]
INVITATION_DAYS = 7

# The cache every gunicorn worker shares (the database): allauth marks a second-factor code as
# used there, so a code cannot be replayed through another worker. Its table is made by
# accounts/migrations/0003_shared_cache.py.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "lmns_cache",
        # The live board pack keeps each section here (boardpack.section_cache).
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }
}

MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "LMNS Assurance"
# TOTP secrets and recovery-code seeds are encrypted with this key (accounts.crypto). In
# development it is derived from SECRET_KEY; production must set it.
MFA_ENCRYPTION_KEY = os.environ.get("MFA_ENCRYPTION_KEY", "")
if not MFA_ENCRYPTION_KEY and not DEBUG:
    raise ImproperlyConfigured("MFA_ENCRYPTION_KEY must be set when DEBUG is off.")
# Roles that must enrol a second factor before anything else (accounts.middleware):
# "trust_lead", "programme_team", "board_member", "staff" (administrators), or "all".
MFA_REQUIRED_FOR = [
    r.strip()
    for r in os.environ.get("MFA_REQUIRED_FOR", "" if DEBUG else "all").split(",")
    if r.strip()
]

SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # later sign-ins match issuer and subject only
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_OPENID_CONNECT_URL_PREFIX = "sso"
# An identity provider configured from the environment (or, instead, in the admin site):
# SSO_PROVIDER_ID, SSO_NAME, SSO_ISSUER (one Entra tenant's issuer URL, never "common"),
# SSO_CLIENT_ID, SSO_CLIENT_SECRET, and SSO_ENFORCES_MFA when the provider requires MFA.
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": []}}
if os.environ.get("SSO_ISSUER"):
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": os.environ.get("SSO_PROVIDER_ID", "nhs"),
            "name": os.environ.get("SSO_NAME", "your organisation account"),
            "client_id": os.environ["SSO_CLIENT_ID"],
            "secret": os.environ.get("SSO_CLIENT_SECRET", ""),
            "settings": {
                "server_url": os.environ["SSO_ISSUER"],
                "enforces_mfa": env_bool("SSO_ENFORCES_MFA", False),
            },
        }
    )

# Mail (account mail, notifications, reminders). With an SMTP relay named (EMAIL_HOST and the
# rest of Django's own names) mail goes there; with none in development (`make run`) each message
# is written as a file in sent-mail/ in the project folder. Production needs EMAIL_HOST.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG and not os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "LMNS Assurance <noreply@localhost>")
# The address every link in a mail starts with (no trailing slash). Production must name it:
# a system check fails without it (mail.checks).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
# A return waiting for review longer than this many days is a reminder to the programme team.
REVIEW_REMINDER_DAYS = int(os.environ.get("REVIEW_REMINDER_DAYS", "7"))

# Background tasks (Django's tasks API, the django-tasks backport): mail is sent by a task
# enqueued when the change commits. Production runs the database backend and its worker
# (`manage.py db_worker`, docs/operations.md); `make run` sends at once (the immediate backend).
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if DEBUG
            else "django_tasks_db.DatabaseBackend",
        )
    }
}

# Content Security Policy: nothing inline, nothing from elsewhere (but the identity provider's
# sign-in page, which the "Sign in with ..." form redirects to: SSO_ISSUER's origin, and those
# of providers configured in the admin site, listed in SSO_FORM_ACTION_ORIGINS).
SSO_ORIGINS = [
    o.strip() for o in os.environ.get("SSO_FORM_ACTION_ORIGINS", "").split(",") if o.strip()
]
if os.environ.get("SSO_ISSUER"):
    _issuer = urlsplit(os.environ["SSO_ISSUER"])
    SSO_ORIGINS.append(f"{_issuer.scheme}://{_issuer.netloc}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # Signing in through the identity provider posts a form that redirects there.
        "form-action": [SELF, *SSO_ORIGINS],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Funding: a quarter's variance against profile needs a narrative when it exceeds both.
FUNDING_VARIANCE_THRESHOLD_PERCENT = int(os.environ.get("FUNDING_VARIANCE_THRESHOLD_PERCENT", "10"))
FUNDING_VARIANCE_THRESHOLD_POUNDS = int(os.environ.get("FUNDING_VARIANCE_THRESHOLD_POUNDS", "5000"))

# Evidence uploads.
EVIDENCE_MAX_UPLOAD_BYTES = int(os.environ.get("EVIDENCE_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))

# The request-size cap (lmns.middleware), and the production proxy's limit: the largest
# legitimate post is a return section with an evidence file at its limit for every requirement.
# The largest section of the frameworks data has 5 requirements (a test keeps this true); the
# margin carries the typed answers. 5 x 10 MiB + 2 MiB = 52 MiB.
LARGEST_SECTION_REQUIREMENTS = 5
REQUEST_MAX_BYTES = LARGEST_SECTION_REQUIREMENTS * EVIDENCE_MAX_UPLOAD_BYTES + 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "lmns.middleware.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
EVIDENCE_ALLOWED_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "csv", "txt", "png", "jpg", "jpeg"]

# Perinatal quality surveillance: counts below this are shown as "fewer than N" in board packs,
# which are often published as public papers.
QUALITY_SUPPRESS_BELOW = int(os.environ.get("QUALITY_SUPPRESS_BELOW", "5"))

# Backups (lmns.backup): encrypted with AES-256-GCM under this key, 32 random bytes in URL-safe
# base64 (`python -c "import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())"`).
# Kept in the secrets store, never beside the backups. Without it `backup` is refused when DEBUG
# is off; with DEBUG on it writes an unencrypted backup that leaves secret fields out.
BACKUP_KEY = os.environ.get("LMNS_BACKUP_KEY", "")

# Records retention (lmns.retention, `manage.py apply_retention`): the project's reading of the
# NHS Records Management Code of Practice (2021, updated 2023), Appendix II, awaiting the
# records manager's confirmation (docs/operations.md). For each kind of record: how
# long it is kept (days, counted from the date the kind's holders name) and what happens then:
# "delete" removes it, "review" lists it for the records manager to appraise (destroy, keep, or
# transfer to a place of deposit) and removes nothing. docs/operations.md gives each entry's
# source. Override one with RETENTION_<KIND>_DAYS, e.g. RETENTION_DOWNLOADS_DAYS=730.
_YEAR = 365


def _retention(kind: str, days: int, action: str, source: str) -> dict:
    days = int(os.environ.get(f"RETENTION_{kind.upper()}_DAYS", str(days)))
    return {"days": days, "action": action, "source": source}


RECORD_RETENTION = {
    "returns": _retention(
        "returns", 20 * _YEAR, "review", "Corporate: committee papers and reports to the board"
    ),
    "evidence": _retention(
        "evidence", 20 * _YEAR, "review", "Kept with the return it evidences (as returns)"
    ),
    "board_packs": _retention(
        "board_packs", 20 * _YEAR, "review", "Corporate: board meetings, papers and minutes"
    ),
    "audit_history": _retention(
        "audit_history",
        20 * _YEAR,
        "review",
        "Audit trail: kept as long as the records it describes",
    ),
    "downloads": _retention(
        "downloads", 6 * _YEAR, "delete", "Corporate: information governance and access audit logs"
    ),
    "notifications": _retention(
        "notifications", 1 * _YEAR, "delete", "Transitory records: copies of messages sent"
    ),
    "mail_outbox": _retention(
        "mail_outbox", 90, "delete", "Transitory records: mail queued and sent"
    ),
    "sessions": _retention("sessions", 0, "delete", "Not a record: removed once expired"),
    "import_previews": _retention(
        "import_previews", 0, "delete", "Not a record: an unconfirmed upload, removed once expired"
    ),
}
