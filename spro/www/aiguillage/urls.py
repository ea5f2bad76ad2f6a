app_name = "aiguillage"

urlpatterns: list = []
