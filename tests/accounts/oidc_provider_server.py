"""A real OpenID Connect provider for the sign-in tests: django-oidc-provider in its own
Django process (its own settings and SQLite database), served on 127.0.0.1.

    python -m tests.accounts.oidc_provider_server PORT DATABASE REDIRECT_URI

It creates one person (`kari` / PASSWORD, kari@ks.example, in the provider's groups named in
GROUPS), an RSA signing key and a confidential client (CLIENT_ID / CLIENT_SECRET), prints
READY and serves until it is terminated.
"""

import io
import sys
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

MODULE = "tests.accounts.oidc_provider_server"
CLIENT_ID = "ekommune-test"
CLIENT_SECRET = "test-secret-not-for-production"
USERNAME = "kari"
PASSWORD = "provider password"
EMAIL = "kari@ks.example"
GROUPS = ["ks-ekommune-analytikere", "ks-personvern", "ks-kantina"]

LOGIN_TEMPLATE = """<!doctype html><title>Login</title>
<form method="post">{% csrf_token %}{{ form.as_p }}
<input type="hidden" name="next" value="{{ next }}"><button>Log in</button></form>"""


def userinfo(claims, user):
    claims["email"] = user.email
    claims["preferred_username"] = user.username
    claims["name"] = user.get_full_name()
    return claims


def add_groups(id_token, user, token, request, **kwargs):
    id_token["groups"] = sorted(user.groups.values_list("name", flat=True))
    id_token["amr"] = ["pwd", "mfa"]
    return id_token


def configure(port: int, database: str) -> None:
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="provider-test-key",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        SITE_URL=f"http://127.0.0.1:{port}",
        ROOT_URLCONF="tests.accounts.oidc_provider_urls",
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "oidc_provider",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": database}},
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {
                    "context_processors": ["django.template.context_processors.request"],
                    "loaders": [
                        (
                            "django.template.loaders.locmem.Loader",
                            {"registration/login.html": LOGIN_TEMPLATE},
                        ),
                        "django.template.loaders.app_directories.Loader",
                    ],
                },
            }
        ],
        LOGIN_URL="/accounts/login/",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        OIDC_USERINFO=f"{MODULE}.userinfo",
        OIDC_IDTOKEN_PROCESSING_HOOK=f"{MODULE}.add_groups",
        OIDC_IDTOKEN_INCLUDE_CLAIMS=True,
    )


def seed(redirect_uri: str) -> None:
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", verbosity=0)
    call_command("creatersakey", stdout=io.StringIO())
    user = User.objects.create_user(USERNAME, email=EMAIL, password=PASSWORD)
    user.groups.set(Group.objects.create(name=name) for name in GROUPS)
    client = Client.objects.create(
        name="eKommune",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type="confidential",
        jwt_alg="RS256",
        require_consent=False,
        reuse_consent=True,
        _redirect_uris=redirect_uri,
    )
    client.response_types.set(ResponseType.objects.filter(value="code"))


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> None:
    port, database, redirect_uri = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    configure(port, database)
    import django

    django.setup()
    seed(redirect_uri)
    from django.core.wsgi import get_wsgi_application

    server = make_server(
        "127.0.0.1", port, get_wsgi_application(), server_class=_Server, handler_class=_QuietHandler
    )
    print("READY", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # until the test closes our stdin (or terminates us)
    server.shutdown()


if __name__ == "__main__":
    main()
