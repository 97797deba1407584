"""Staff login protection (django-axes): which client address a failed login counts against."""

from django.http import HttpRequest

from ekommune.http import client_address


def axes_client_address(request: HttpRequest) -> str | None:
    """The address the rate limits use (trusted proxies only), or None when there is none.

    Logins made without a real request (e.g. `Client.force_login`) have no address; axes stores
    None, where "unknown" would not fit PostgreSQL's inet column.
    """
    address = client_address(request)
    return None if address in {"", "unknown"} else address
