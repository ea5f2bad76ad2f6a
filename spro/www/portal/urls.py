from django.urls import path

from spro.www.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("communes/suggestions/", views.commune_suggestions, name="commune_suggestions"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("api/", views.api_page, name="api"),
    path(
        "donnees-personnelles/",
        views.StaticPage.as_view(template_name="portal/donnees_personnelles.html"),
        name="privacy",
    ),
    path(
        "mentions-legales/",
        views.StaticPage.as_view(template_name="portal/mentions_legales.html"),
        name="legal",
    ),
]
