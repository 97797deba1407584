from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, str]:
    return {"SUPPORT_EMAIL": settings.SUPPORT_EMAIL}
