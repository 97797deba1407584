from django.urls import path

from accounts import oidc, views

app_name = "accounts"

urlpatterns = [
    path("staff/tofaktor/", views.setup, name="two_factor_setup"),
    path("staff/tofaktor/bekreft/", views.verify, name="two_factor_verify"),
    path("oidc/authenticate/", oidc.SignInStart.as_view(), name="oidc_start"),
    path("oidc/callback/", oidc.SignInCallback.as_view(), name="oidc_callback"),
]
