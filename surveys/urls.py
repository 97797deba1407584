"""URLs of the surveys app (namespace `surveys`): each capability package brings its own."""

from django.urls import include, path

app_name = "surveys"

urlpatterns = [
    path("", include("surveys.answering.urls")),
    path("", include("surveys.administration.urls")),
    path("", include("surveys.analysis.urls")),
    path("", include("surveys.outreach.urls")),
]
