from django.urls import path

from . import views

app_name = "actionpoints"

urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
