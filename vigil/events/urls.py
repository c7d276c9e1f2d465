from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("feed.ics", views.feed_all, name="feed"),
    path("feed/region/<slug:slug>.ics", views.feed_region, name="region_feed"),
    path("feed/group/<slug:slug>.ics", views.feed_group, name="group_feed"),
    path(
        "feed/group/<slug:slug>/<str:token>.ics",
        views.feed_group_private,
        name="group_feed_private",
    ),
    path("group/<slug:slug>/", views.group, name="group"),
    path("reply/confirm/<str:token>/", views.rsvp_confirm, name="rsvp_confirm"),
    path("reply/<str:token>/", views.rsvp_cancel_link, name="rsvp_cancel_link"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/rsvp/", views.rsvp, name="rsvp"),
    path("<int:pk>/rsvp/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/attendees/", views.attendees, name="attendees"),
]
