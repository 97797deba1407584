"""The access rule of every staff page: who may see it, and the wave it is about.

Staff who may see personal data (accounts.two_factor) must also have confirmed a second factor
in this session; they are sent to confirm it (or to enrol) and then back.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts import two_factor
from surveys.models import Wave


def staff_permission_required(permission: str | None = None) -> Callable:
    """Anonymous -> login page; not staff, or staff without `permission` (if given) -> 403;
    staff who may see personal data without a confirmed second factor -> confirm it first."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (user.is_active and user.is_staff):
                raise PermissionDenied
            if permission is not None and not user.has_perm(permission):
                raise PermissionDenied
            if two_factor.needs_second_factor(user) and not two_factor.is_verified(request):
                return redirect(
                    f"{reverse('accounts:two_factor_verify')}?"
                    f"{urlencode({'next': request.get_full_path()})}"
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def staff_wave(slug: str) -> Wave:
    """The wave a staff page is about, with its register edition, or 404."""
    return get_object_or_404(Wave.objects.select_related("edition"), slug=slug)
