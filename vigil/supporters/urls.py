from django.urls import path

from . import views

app_name = "supporters"

urlpatterns = [
    path("", views.sign_up, name="sign_up"),
    path("sent/", views.sent, name="sent"),
    path("confirm/<uidb64>/<token>/", views.confirm, name="confirm"),
    path("country/", views.country, name="country"),
]
