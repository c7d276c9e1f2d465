from django.urls import path

from . import feeds, importviews, views

app_name = "publications"

urlpatterns = [
    path("", views.library, name="library"),
    path("news/", views.news, name="news"),
    path("annual-reports/", views.annual_reports, name="annual_reports"),
    path("embargoed/", views.embargoed, name="embargoed"),
    path("imports/", importviews.imports, name="imports"),
    path("imports/<int:pk>/", importviews.import_job, name="import_job"),
    path("review/", importviews.review, name="review"),
    path("review/<int:pk>/", importviews.review_one, name="review_one"),
    path("feed/rss/", feeds.DocumentsFeed(), name="rss"),
    path("feed/atom/", feeds.DocumentsAtomFeed(), name="atom"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("d/<slug:slug>/", views.by_index, name="by_index"),
    path("d/<slug:slug>/<str:language>/", views.detail, name="detail"),
    path(
        "d/<slug:slug>/<str:language>/attachments/<int:pk>/",
        views.attachment,
        name="attachment",
    ),
]
