from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "spro.www.news"
    label = "www_news"
