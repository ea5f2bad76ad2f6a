from django.urls import path, register_converter

from spro.www.metiers import views


class RomeCode:
    regex = "[A-N][0-9]{4}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class DomainCode:
    regex = "[A-N](?:[0-9]{2})?"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(RomeCode, "rome")
register_converter(DomainCode, "domaine")

app_name = "metiers"

urlpatterns = [
    path("", views.index, name="index"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("domaines/<domaine:code>/", views.domain, name="domain"),
    path("<rome:code>/", views.occupation, name="occupation"),
]
