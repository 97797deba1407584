from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

# The admin speaks the product's language: its title in the header, the browser tab and
# the front page.
admin.site.site_header = _("eKommune – administrasjon")
admin.site.site_title = _("eKommune – administrasjon")
admin.site.index_title = _("Administrasjon")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico before reading the page's <link rel="icon">.
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("surveys.urls")),
    path("", include("privacy.urls")),
    path("", include("audit.urls")),
    path("", include("accounts.urls")),
]
