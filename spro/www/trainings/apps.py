from django.apps import AppConfig


class TrainingsConfig(AppConfig):
    name = "spro.www.trainings"
    label = "www_trainings"
