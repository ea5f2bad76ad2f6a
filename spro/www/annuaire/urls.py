from django.urls import path

from spro.www.annuaire import views

app_name = "annuaire"

urlpatterns = [
    path("annuaire/", views.search, name="search"),
    path("lieux/<int:site_id>/", views.site_detail, name="site"),
]
