"""Records nobody has updated or confirmed for six months ("fiches anciennes")."""

from dataclasses import dataclass

from django.utils import timezone

from spro.directory.models import STALE_AFTER, Service, Site, Structure


@dataclass
class StaleRecord:
    kind: str  # "structure", "lieu", "service"
    obj: object
    structure: Structure

    @property
    def kind_label(self) -> str:
        return {"structure": "Structure", "lieu": "Lieu d'accueil", "service": "Service"}[self.kind]

    @property
    def label(self) -> str:
        if self.kind == "service":
            return f"{self.obj.name} ({self.obj.site.name})"
        return str(self.obj)


def stale_before():
    return timezone.now() - STALE_AFTER


def stale_records(structures, limit: int | None = None) -> list[StaleRecord]:
    """Active stale structures, sites and services among `structures` (a queryset), oldest first.

    With `limit`, only the `limit` oldest (each query is cut at `limit` too, so a Région-wide list stays
    cheap however many records are stale).
    """
    before = stale_before()

    def cut(queryset):
        queryset = queryset.order_by("updated_at")
        return queryset[:limit] if limit else queryset

    records = [
        StaleRecord("structure", s, s)
        for s in cut(structures.filter(is_active=True, updated_at__lt=before).select_related("network"))
    ]
    sites = Site.objects.filter(
        structure__in=structures, structure__is_active=True, is_active=True, updated_at__lt=before
    ).select_related("structure")
    records += [StaleRecord("lieu", s, s.structure) for s in cut(sites)]
    services = Service.objects.filter(
        site__structure__in=structures,
        site__structure__is_active=True,
        site__is_active=True,
        is_active=True,
        updated_at__lt=before,
    ).select_related("site__structure")
    records += [StaleRecord("service", s, s.site.structure) for s in cut(services)]
    records.sort(key=lambda r: r.obj.updated_at)
    return records[:limit] if limit else records


def stale_count(structures) -> int:
    limit = stale_before()
    return (
        structures.filter(is_active=True, updated_at__lt=limit).count()
        + Site.objects.filter(
            structure__in=structures, structure__is_active=True, is_active=True, updated_at__lt=limit
        ).count()
        + Service.objects.filter(
            site__structure__in=structures,
            site__structure__is_active=True,
            site__is_active=True,
            is_active=True,
            updated_at__lt=limit,
        ).count()
    )
