from django.urls import path

from spro.www.coverage import views

app_name = "couverture"

urlpatterns = [
    path("", views.coverage_page, name="page"),
]
