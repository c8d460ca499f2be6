from django.apps import AppConfig


class PortfoliosConfig(AppConfig):
    name = "portfolium.portfolios"
    label = "portfolios"
    default_auto_field = "django.db.models.BigAutoField"
