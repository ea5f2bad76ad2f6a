from django.urls import path

from spro.www.pro import views

app_name = "pro"

urlpatterns = [
    path("", views.home, name="home"),
]
