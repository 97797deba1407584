from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health_report


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    status, report = health_report()
    report["status"] = status
    # 200 while the web tier can serve (ok, degraded); 503 only without a database.
    return JsonResponse(report, status=503 if status == "error" else 200)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, asked for by browsers before they read <link rel="icon">: our own icon,
    served from the static files."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
