"""WSGI entry point for gunicorn: ``gunicorn vigil.wsgi``."""

import os

from vigil.startup import boot

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
boot(check_database=True)

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
