from django.urls import path

from . import views

app_name = "petitions"

urlpatterns = [
    # Signing first: the busiest POST of the site resolves at its first pattern.  No other
    # pattern takes a real address ending in "/sign/" (a token holds no "/", and one reading
    # "sign" opens nothing), so the order changes no page.
    path("<slug:slug>/sign/", views.sign, name="sign"),
    path("", views.index, name="index"),
    path("my-data/", views.my_data_request, name="my_data_request"),
    path("my-data/<str:token>/", views.my_data, name="my_data"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("paper/<int:pk>/scan/", views.scan, name="scan"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/count/", views.count, name="count"),
    path("<slug:slug>/paper/", views.paper, name="paper"),
    path("<slug:slug>/delivery/", views.delivery, name="delivery"),
    path("<slug:slug>/delivery/signatures.csv", views.export_csv, name="export_csv"),
    path("<slug:slug>/delivery/signatures.pdf", views.export_pdf, name="export_pdf"),
    path("<slug:slug>/delivery/delivered/", views.delivered, name="delivered"),
]
