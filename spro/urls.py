from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from spro.api import api

admin.site.site_header = "spro — administration technique"
admin.site.site_title = "spro"

urlpatterns = [
    path("", include("spro.www.portal.urls")),
    path("comptes/", include("spro.accounts.urls")),
    path("espace-pro/", include("spro.www.pro.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "spro.www.portal.views.page_not_found"
handler500 = "spro.www.portal.views.server_error"

if settings.DEBUG:
    urlpatterns += []
