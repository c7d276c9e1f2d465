from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.index, name="index"),
    path("my-actions/", views.my_actions, name="my_actions"),
    path("my-actions/letters/<int:pk>/forget/", views.forget_letter, name="forget_letter"),
    path("letters/", views.letter_counts, name="letter_counts"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/write/", views.write, name="write"),
    path("<slug:slug>/assign/", views.assign, name="assign"),
    path("<slug:slug>/assignments/<int:pk>/remove/", views.unassign, name="unassign"),
]
