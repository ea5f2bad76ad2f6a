"""The network's life for tests: sessions of the professionalisation plan, Europe/Paris times."""

from datetime import datetime

from spro.events.models import PARIS
from spro.network import workflow
from spro.network.models import Training


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def training(title="L'aiguillage en pratique", capacity=2, start=None, end=None, **fields) -> Training:
    new = Training(
        title=title,
        objectives="Savoir orienter vers la bonne deuxième porte.",
        start=start or paris(2027, 3, 10, 9, 0),
        end=end or paris(2027, 3, 10, 17, 0),
        place=fields.pop("place", "Hôtel de Région, Toulouse"),
        capacity=capacity,
        audience="Conseillers de premier accueil",
        axis=fields.pop("axis", "aiguillage"),
        **fields,
    )
    new.full_clean()
    return workflow.publish(new, None)
