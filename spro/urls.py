from django.contrib import admin
from django.urls import include, path

from spro.api import api
from spro.core.operations import health

admin.site.site_header = "spro — administration technique"
admin.site.site_title = "spro"

urlpatterns = [
    path("sante/", health, name="health"),
    path("", include("spro.www.portal.urls")),
    path("", include("spro.www.annuaire.urls")),  # /annuaire/, /lieux/<id>/
    path("trouver-mon-interlocuteur/", include("spro.www.aiguillage.urls")),
    path("metiers/", include("spro.www.metiers.urls")),
    path("agenda/", include("spro.www.agenda.urls")),
    path("ressources/", include("spro.www.resources.urls")),
    path("comptes/", include("spro.accounts.urls")),
    path("espace-pro/structures/", include("spro.www.structures.urls")),
    path("espace-pro/orientations/", include("spro.www.orientations.urls")),
    path("espace-pro/labellisation/", include("spro.www.labellisation.urls")),
    path("espace-pro/agenda/", include("spro.www.agenda.pro_urls")),
    path("espace-pro/activite/", include("spro.www.activity.urls")),
    path("espace-pro/professionnels/", include("spro.www.professionals.urls")),
    path("espace-pro/formations/", include("spro.www.trainings.urls")),
    path("espace-pro/actualites/", include("spro.www.news.urls")),
    path("espace-pro/ressources/", include("spro.www.resources.pro_urls")),
    path("espace-pro/territoires/", include("spro.www.territories.urls")),
    path("espace-pro/", include("spro.www.pro.urls")),
    path("region/orientations/", include("spro.www.orientations.region_urls")),
    path("region/membres/", include("spro.www.members.urls")),
    path("region/comites/", include("spro.www.committees.urls")),
    path("region/agenda/", include("spro.www.agenda.region_urls")),
    path("region/couverture/", include("spro.www.coverage.urls")),
    path("region/labellisation/", include("spro.www.instruction.urls")),
    path("region/activite/", include("spro.www.activity.region_urls")),
    path("region/professionnels/", include("spro.www.professionals.region_urls")),
    path("region/formations/", include("spro.www.trainings.region_urls")),
    path("region/ressources/", include("spro.www.resources.region_urls")),
    path("region/territoires/", include("spro.www.territories.region_urls")),
    path("region/", include("spro.www.region.urls")),
    path("attestations/", include("spro.www.attestations.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "spro.www.portal.views.bad_request"
handler403 = "spro.www.portal.views.permission_denied"
handler404 = "spro.www.portal.views.page_not_found"
handler500 = "spro.www.portal.views.server_error"
