from django.urls import path

from spro.www.committees import views

app_name = "comites"

urlpatterns = [
    path("", views.index, name="index"),
    path("nouvelle-seance/", views.create, name="create"),
    path("seances/<int:pk>/", views.session_detail, name="session"),
    path("seances/<int:pk>/ordre-du-jour/", views.agenda_add, name="agenda_add"),
    path("seances/<int:pk>/avis/<int:application_pk>/", views.opinion, name="opinion"),
    path("seances/<int:pk>/releve/", views.minutes, name="minutes"),
    path("seances/<int:pk>/proces-verbal.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("seances/<int:pk>/avis-textes/", views.text_opinion, name="text_opinion"),
    path("instances/<slug:code>/", views.body_detail, name="body"),
    path("instances/<slug:code>/membres/", views.member_add, name="member_add"),
    path("instances/<slug:code>/membres/<int:pk>/depart/", views.member_leave, name="member_leave"),
    path("cite-des-metiers/", views.tiers, name="tiers"),
    path("cite-des-metiers/niveau/", views.tier_assign, name="tier_assign"),
]
