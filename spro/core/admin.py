from django.contrib import admin
from dsfr.models import DsfrConfig

# spro's layout takes the Région's name, colours and logo from settings (README, "Configuration"), not
# from django-dsfr's DsfrConfig, so its admin page would edit values nothing reads.
if admin.site.is_registered(DsfrConfig):
    admin.site.unregister(DsfrConfig)
