from django.urls import path

from spro.www.territories import views

app_name = "region_territoires"

urlpatterns = [
    path("", views.region_index, name="index"),
    path("nouveau/", views.region_territory_create, name="create"),
    path("regles/", views.region_policy, name="policy"),
    path("comites/<int:pk>/membres/", views.region_member_add, name="member_add"),
    path("membres/<int:pk>/depart/", views.region_member_leave, name="member_leave"),
    path("comites/<int:pk>/convention/", views.region_convention_sign, name="convention_sign"),
    path("comites/<int:pk>/", views.region_committee, name="committee"),
    path("comites/<int:pk>/reunion/", views.region_meeting, name="meeting"),
    path("conventions/<int:pk>/mise-en-demeure/", views.region_notice, name="notice"),
    path("mises-en-demeure/<int:pk>/levee/", views.region_remedy, name="remedy"),
    path("conventions/<int:pk>/document/", views.region_convention_document, name="convention_document"),
]
