from django.apps import AppConfig


class LabelsConfig(AppConfig):
    name = "spro.labels"
    verbose_name = "Labellisation et adhésion"

    def ready(self):
        from django.db.models.signals import post_save

        from spro.directory.models import Structure

        post_save.connect(_structure_saved, sender=Structure, dispatch_uid="labels_structure_status")


def _structure_saved(sender, instance, raw=False, **kwargs):
    """A new structure, or one that changed network, gets its SPRO status (membre de droit by its network)."""
    if raw:
        return
    from spro.labels.status import refresh_status

    refresh_status(instance, reason="Réseau de la structure")
