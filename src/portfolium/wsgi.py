"""WSGI entry point for `portfolium serve` and any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolium.settings")
application = get_wsgi_application()
