from django.urls import path

from spro.www.labellisation import views

app_name = "labellisation"

urlpatterns = [
    path("", views.index, name="index"),
    path("structures/<int:pk>/", views.overview, name="overview"),
    path("structures/<int:pk>/nouveau-dossier/", views.start, name="start"),
    path("structures/<int:pk>/chartes/<int:charter_id>/", views.adhesion, name="adhesion"),
    path("dossiers/<int:pk>/", views.application_detail, name="application"),
    path("dossiers/<int:pk>/etapes/<slug:section>/", views.step, name="step"),
    path("dossiers/<int:pk>/pieces/", views.attachments, name="attachments"),
    path("dossiers/<int:pk>/deposer/", views.submit, name="submit"),
    path("dossiers/<int:pk>/completer/", views.complete, name="complete"),
    path("pieces/<int:pk>/", views.download, name="download"),
    path("bilans/<int:pk>/", views.report, name="report"),
]
