"""Open-data API (django-ninja) under /api/v1/; each domain adds its router here."""

from ninja import NinjaAPI

from spro.api.activite import router as activite_router
from spro.api.aiguillage import router as aiguillage_router
from spro.api.communes import router as communes_router
from spro.api.couverture import router as couverture_router
from spro.api.errors import install_error_handlers
from spro.api.evenements import router as evenements_router
from spro.api.lieux import router as lieux_router
from spro.api.membres import router as membres_router

api = NinjaAPI(
    title="API ouverte du SPRO",
    version="1.0.0",
    description=(
        "Données ouvertes du Service Public Régional de l'Orientation : référentiel des communes, "
        "annuaire des lieux d'accueil, aiguillage vers la deuxième porte, membres du SPRO, "
        "agenda des événements."
    ),
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/communes", communes_router, tags=["Communes"])
api.add_router("/lieux", lieux_router, tags=["Annuaire"])
api.add_router("/aiguillage", aiguillage_router, tags=["Aiguillage"])
api.add_router("/membres", membres_router, tags=["Membres du SPRO"])
api.add_router("/evenements", evenements_router, tags=["Agenda"])
api.add_router("/couverture", couverture_router, tags=["Couverture territoriale"])
api.add_router("/activite", activite_router, tags=["Activité"])
