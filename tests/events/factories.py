"""Events for tests: a published event of a structure, placed in a commune, Europe/Paris times."""

from datetime import datetime

from spro.events import workflow
from spro.events.models import PARIS, Event
from spro.territories.models import Commune
from tests.directory.factories import TOULOUSE, structure


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def event(
    title="Forum des métiers", owner=None, commune_code=TOULOUSE, start=None, end=None, **fields
) -> Event:
    new = Event(
        structure=owner or structure("cio", name=f"{title} (organisateur)"),
        title=title,
        kind=fields.pop("kind", "forum"),
        start=start or paris(2027, 3, 10, 14, 0),
        end=end or paris(2027, 3, 10, 17, 0),
        commune=Commune.objects.get(code=commune_code),
        address="Place du Capitole",
        **fields,
    )
    new.full_clean()
    return workflow.publish(new)
