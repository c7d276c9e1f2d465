from django.urls import path

from . import feeds, views

app_name = "publications"

urlpatterns = [
    path("", views.library, name="library"),
    path("news/", views.news, name="news"),
    path("annual-reports/", views.annual_reports, name="annual_reports"),
    path("embargoed/", views.embargoed, name="embargoed"),
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
