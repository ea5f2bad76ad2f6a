from django.apps import AppConfig
from django.core.signals import setting_changed
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_migrate


def suspend_page_cache(**kwargs):
    """While migrations run, the cache table may not exist yet: their writes do not move the pages'
    generation (the `spro migrate` command moves it once done, spro.__main__)."""
    from spro.core import pagecache

    pagecache.suspended = True


def create_cache_table(using="default", **kwargs):
    """`spro migrate` also creates the table of the database cache (README, « Configuration »); with
    Redis, nothing to create. createcachetable leaves an existing table alone."""
    from django.conf import settings
    from django.core.management import call_command

    from spro.core import pagecache

    if any(c["BACKEND"].endswith("DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=0)
    pagecache.suspended = False


class CoreConfig(AppConfig):
    name = "spro.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self):
        from spro.core import pagecache

        signals = {"post_save": post_save, "post_delete": post_delete, "m2m_changed": m2m_changed}
        for name, signal in signals.items():
            signal.connect(pagecache.model_changed, dispatch_uid=f"spro.core.pagecache.{name}")
        setting_changed.connect(pagecache.settings_changed, dispatch_uid="spro.core.pagecache.settings")
        pre_migrate.connect(suspend_page_cache, sender=self, dispatch_uid="spro.core.suspend_page_cache")
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="spro.core.create_cache_table")
