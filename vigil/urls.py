from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from vigil.core import views as core_views

# Not translated: machine endpoints.
urlpatterns = [
    path("health/", core_views.health, name="health"),
    path("api/", include("vigil.api.urls")),
]

# Pages: Russian at /, English at /en/.
urlpatterns += i18n_patterns(
    # Tried in order: the pages of the busiest public form first, so that resolving a
    # signature does not try every other section's patterns before its own (the home page's
    # "" matches nothing else, so it may come after).
    path("petitions/", include("vigil.petitions.urls")),
    path("", include("vigil.core.urls")),
    path("account/", include("vigil.accounts.urls")),
    path("directory/", include("vigil.directory.urls")),
    path("groups/", include("vigil.groups.urls")),
    path("events/", include("vigil.events.urls")),
    path("coordination/", include("vigil.coordination.urls")),
    path("cases/", include("vigil.cases.urls")),
    path("supporters/", include("vigil.supporters.urls")),
    path("documents/", include("vigil.publications.urls")),
    path("bulletin/", include("vigil.bulletin.urls")),
    path("distribution/", include("vigil.distribution.urls")),
    path("campaigns/", include("vigil.campaigns.urls")),
    path("partners/", include("vigil.partners.urls")),
    path("action-points/", include("vigil.actionpoints.urls")),
    path("back-office/", admin.site.urls),
    prefix_default_language=False,
)

handler400 = "vigil.core.views.error_400"
handler403 = "vigil.core.views.error_403"
handler404 = "vigil.core.views.error_404"
handler500 = "vigil.core.views.error_500"
