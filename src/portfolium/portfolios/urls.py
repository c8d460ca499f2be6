from django.urls import path
from django.views.generic import RedirectView

from portfolium.portfolios import views
from portfolium.projects import views as project_views

app_name = "portfolios"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portfolios:tree"), name="home"),
    path("portfolios/", views.tree, name="tree"),
    path("portfolios/<int:portfolio_id>/", views.portfolio_overview, name="detail"),
    path("overview/", views.overview, name="overview"),
    path("programs/<int:program_id>/", views.program_detail, name="program"),
    path("goals/", views.goals, name="goals"),
    # "My work" spans every project; it lives at the root, so the root app routes it.
    path("my-work/", project_views.my_work, name="my_work"),
    path("assets/plotly.min.js", views.plotly_js, name="plotly_js"),
]
