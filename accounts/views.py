"""Staff pages for the second factor: enrolment (QR code) and confirmation."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts import two_factor
from accounts.forms import TokenForm


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _signed_in_staff(view):
    def wrapper(request: HttpRequest) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect_to_login(request.get_full_path())
        return view(request)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@_signed_in_staff
def setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the key), confirm one code."""
    if two_factor.confirmed_device(request.user) is not None:
        return redirect(f"{reverse('accounts:two_factor_verify')}?next={_next(request)}")
    device = two_factor.enrolment_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = two_factor.seconds_to_wait(device)
        token = form.cleaned_data["token"]
        if not wait and two_factor.device_confirm(request=request, device=device, token=token):
            return redirect(_next(request))
        form.wrong_code(wait=wait)
    context = {
        "form": form,
        "qr_svg": two_factor.qr_svg(device),
        "secret": two_factor.secret_text(device),
        "next": _next(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@_signed_in_staff
def verify(request: HttpRequest) -> HttpResponse:
    """Confirm this session with a code from the enrolled app."""
    if two_factor.confirmed_device(request.user) is None:
        return redirect(f"{reverse('accounts:two_factor_setup')}?next={_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = two_factor.seconds_to_wait(two_factor.confirmed_device(request.user))
        token = form.cleaned_data["token"]
        if not wait and two_factor.session_verify(request=request, token=token):
            return redirect(_next(request))
        form.wrong_code(wait=wait)
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request)}
    )
