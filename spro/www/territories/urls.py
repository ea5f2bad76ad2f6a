from django.urls import path

from spro.www.territories import views

app_name = "territoires"

urlpatterns = [
    path("", views.index, name="index"),
    path("comites/<int:pk>/", views.committee, name="committee"),
    path("comites/<int:pk>/bilan/", views.report, name="report"),
    path("designations/<int:pk>/vote/", views.vote, name="vote"),
    path("documents/<int:pk>/", views.document, name="document"),
]
