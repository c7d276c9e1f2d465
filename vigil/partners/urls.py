from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.partners, name="index"),
    path("roundtables/", views.index, name="roundtables"),
    path("roundtables/new/", views.new, name="new"),
    path("roundtables/<int:pk>/", views.roundtable, name="roundtable"),
    path("roundtables/<int:pk>/agenda/", views.agenda, name="agenda"),
    path("roundtables/<int:pk>/invite/", views.invite, name="invite"),
    path(
        "roundtables/<int:pk>/invitations/<int:invitation>/withdraw/",
        views.withdraw,
        name="withdraw",
    ),
    path("roundtables/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("roundtables/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("roundtables/<int:pk>/close/", views.close, name="close"),
    path("roundtables/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("invitation/<str:token>/", views.answer, name="answer"),
    path("<slug:slug>/", views.partner, name="partner"),
]
