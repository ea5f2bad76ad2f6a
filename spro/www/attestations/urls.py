from django.urls import path

from spro.www.attestations import views

app_name = "attestations"

urlpatterns = [
    path("<str:reference>/", views.check, name="check"),
    path("<str:reference>/attestation.pdf", views.pdf, name="pdf"),
]
