from django.urls import path

from spro.www.instruction import views

app_name = "instruction"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("dossiers/<int:pk>/", views.dossier, name="dossier"),
    path("dossiers/<int:pk>/instruire/", views.start, name="start"),
    path("dossiers/<int:pk>/grille/<slug:criterion>/", views.check, name="check"),
    path("dossiers/<int:pk>/complement/", views.complement, name="complement"),
    path("dossiers/<int:pk>/decision/", views.decision, name="decision"),
    path("dossiers/<int:pk>/retrait-du-label/", views.withdraw, name="withdraw"),
]
