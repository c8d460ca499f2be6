from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from portfolium.api import api


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    path("accounts/", include("portfolium.accounts.urls")),
    path("audit/", include("portfolium.audit.urls")),
    path("projects/", include("portfolium.projects.urls")),
    path("", include("portfolium.scheduling.urls")),
    path("", include("portfolium.portfolios.urls")),
]
