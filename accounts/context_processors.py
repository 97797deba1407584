from django.conf import settings
from django.http import HttpRequest

from accounts.oidc import oidc_enabled


def sign_in(request: HttpRequest) -> dict[str, object]:
    """The login page's single sign-on button, when single sign-on is configured."""
    return {"OIDC_ENABLED": oidc_enabled(), "OIDC_PROVIDER_NAME": settings.OIDC_PROVIDER_NAME}
