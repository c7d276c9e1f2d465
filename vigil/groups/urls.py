from django.urls import path

from . import views

app_name = "groups"

urlpatterns = [
    path("", views.index, name="index"),
    path("join/", views.join, name="join"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/vigil-my-data.json", views.my_data_download, name="my_data_download"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/meetings/new/", views.log_meeting, name="log_meeting"),
    path("<slug:slug>/write/", views.write, name="write"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
]
