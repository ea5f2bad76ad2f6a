"""spro — plateforme du Service Public Régional de l'Orientation."""

__version__ = "0.1.0"
