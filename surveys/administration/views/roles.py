"""Staff roles: who has which, granted and removed by an administrator."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from surveys.administration import selectors, services
from surveys.administration.forms import RoleForm
from surveys.roles import ROLES
from surveys.staff_access import staff_permission_required


@require_http_methods(["GET", "HEAD", "POST"])
@staff_permission_required("surveys.manage_roles")
def roles(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = RoleForm(request.POST)
        if form.is_valid():
            user = get_object_or_404(get_user_model(), pk=form.cleaned_data["user"])
            role = form.cleaned_data["role"]
            try:
                if request.POST.get("action") == "revoke":
                    services.role_revoke(user=user, role=role)
                    text = _("%(user)s har ikke lenger rollen %(role)s.")
                else:
                    services.role_grant(user=user, role=role)
                    text = _("%(user)s har fått rollen %(role)s.")
            except services.AdministrationError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, text % {"user": user.get_username(), "role": role})
        return redirect("surveys:staff_roles")
    role_rows, people = selectors.roles_overview()
    return render(
        request,
        "administration/roles.html",
        {"roles": role_rows, "people": people, "role_names": [role.name for role in ROLES]},
    )
