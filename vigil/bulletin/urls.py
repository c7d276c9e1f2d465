from django.urls import path

from . import views

app_name = "bulletin"

urlpatterns = [
    path("", views.index, name="index"),
    path("glossary/", views.glossary, name="glossary"),
    path("<int:issue>/", views.issue_detail, name="issue"),
    path("<int:issue>/articles/", views.add_article, name="add_article"),
    path("<int:issue>/reviewers/", views.set_reviewers, name="reviewers"),
    path("<int:issue>/approve-reviewed/", views.approve_reviewed, name="approve_reviewed"),
    path("<int:issue>/articles/<int:article>/", views.editor, name="editor"),
    path("<int:issue>/segments/<int:segment>/", views.segment, name="segment"),
    path("<int:issue>/export.<str:fmt>", views.export, name="export"),
    path("<int:issue>/import/", views.import_file, name="import"),
    path("<int:issue>/russian/", views.russian, name="russian"),
]
