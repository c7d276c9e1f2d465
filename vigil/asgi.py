import os

from vigil.startup import boot

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
boot(check_database=True)

from django.core.asgi import get_asgi_application  # noqa: E402

application = get_asgi_application()
