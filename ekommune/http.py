"""Request helpers shared by the apps."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address, honouring X-Forwarded-For only from trusted proxies.

    With TRUSTED_PROXY_HOPS = N (the number of reverse proxies in front of us), the address is
    the N-th entry from the right of X-Forwarded-For: entries further left are set by the client
    and can be forged. With 0 (the default) the header is ignored.
    """
    hops = settings.TRUSTED_PROXY_HOPS
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "unknown")
