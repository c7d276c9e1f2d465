from django.urls import path

from . import views

app_name = "distribution"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:issue>/", views.detail, name="detail"),
    path("<int:issue>/start/", views.start, name="start"),
    path("<int:issue>/bulletin.pdf", views.issue_pdf, name="pdf"),
    path("<int:issue>/print-pack.pdf", views.print_pack, name="print_pack"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
