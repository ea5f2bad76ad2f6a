from django.urls import path

from spro.www.aiguillage import views

app_name = "aiguillage"

urlpatterns = [
    path("", views.start, name="start"),
    path("reponse/", views.answer, name="answer"),
    path("effacer/", views.forget, name="forget"),
    path("contact/<int:site_id>/", views.contact, name="contact"),
    path("contact/<int:site_id>/envoye/", views.contact_sent, name="contact_sent"),
]
