from django.urls import path

from spro.www.professionals import views

app_name = "professionnels"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("mon-profil/", views.my_profile, name="my_profile"),
    path("<int:pk>/", views.profile, name="profile"),
    path("structures/<int:pk>/", views.structure, name="structure"),
    path("structures/<int:pk>/referent/", views.referent, name="referent"),
]
