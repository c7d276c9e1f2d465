from django.urls import path

from . import review_views, views

app_name = "directory"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("review/", views.review, name="review"),
    path("review/<int:pk>/", views.review_one, name="review_one"),
    path("review/imports/", review_views.import_review, name="import_review"),
    path("review/imports/<int:pk>/publish/", review_views.publish_draft, name="publish_draft"),
    path("review/editions/<int:pk>/", review_views.decide_proposal, name="decide_proposal"),
    path("region/<slug:slug>/", views.region, name="region"),
    path("region/<slug:slug>/export.csv", views.region_export, {"extension": "csv"}, "region_csv"),
    path(
        "region/<slug:slug>/export.json", views.region_export, {"extension": "json"}, "region_json"
    ),
    path("search/", views.search, name="search"),
    path("search/export.csv", views.search_export, {"extension": "csv"}, "search_csv"),
    path("search/export.json", views.search_export, {"extension": "json"}, "search_json"),
    path("<slug:slug>/", views.organisation, name="organisation"),
    path("<slug:slug>/suggest/", views.suggest, name="suggest"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/history/", views.history, name="history"),
    path(
        "<slug:slug>/office/<int:office_id>/contacts.vcf", views.office_vcard, name="office_vcard"
    ),
]
