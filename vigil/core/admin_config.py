from django.contrib.admin.apps import AdminConfig


class VigilAdminConfig(AdminConfig):
    """Installs :class:`vigil.core.admin_site.VigilAdminSite` as ``admin.site``."""

    default_site = "vigil.core.admin_site.VigilAdminSite"
