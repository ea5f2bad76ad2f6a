app_name = "structures"

urlpatterns: list = []
