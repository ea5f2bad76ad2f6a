from django.urls import path

from spro.www.activity import views

app_name = "activite"

urlpatterns = [
    path("", views.log, name="log"),
    path("nouveau/", views.new, name="new"),
    path("action-collective/", views.group, name="group"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/supprimer/", views.delete, name="delete"),
    path("import/", views.import_file, name="import"),
    path("indicateurs/", views.structure_indicators, name="indicators"),
]
