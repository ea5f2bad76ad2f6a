from django.urls import path

from spro.www.structures import views

app_name = "structures"

urlpatterns = [
    path("", views.structure_list, name="list"),
    path("<int:pk>/", views.structure_detail, name="detail"),
    path("<int:pk>/modifier/", views.structure_edit, name="edit"),
    path("<int:pk>/historique/", views.structure_history, name="history"),
    path("<int:pk>/membres/", views.members, name="members"),
    path("membres/<int:pk>/", views.member_change, name="member_change"),
    path("invitations/<int:pk>/", views.invitation_change, name="invitation_change"),
    path("<int:pk>/lieux/nouveau/", views.site_create, name="site_create"),
    path("<int:pk>/a-distance/nouveau/", views.remote_create, name="remote_create"),
    path("lieux/<int:pk>/modifier/", views.site_edit, name="site_edit"),
    path("lieux/<int:pk>/activation/", views.site_toggle, name="site_toggle"),
    path("lieux/<int:pk>/services/nouveau/", views.service_create, name="service_create"),
    path("services/<int:pk>/modifier/", views.service_edit, name="service_edit"),
    path("services/<int:pk>/activation/", views.service_toggle, name="service_toggle"),
    path("<str:kind>/<int:pk>/toujours-exact/", views.confirm, name="confirm"),
    path("apercu-horaires/", views.hours_preview_view, name="hours_preview"),
    path("communes-du-code-postal/", views.postal_code_communes, name="postal_code_communes"),
]
