"""Stored codes of the network's life (ASCII slugs) and their French labels."""

from django.db import models

from spro.directory.codes import Need, Public


class Language(models.TextChoices):
    FRANCAIS = "fr", "Français"
    ANGLAIS = "en", "Anglais"
    ESPAGNOL = "es", "Espagnol"
    ALLEMAND = "de", "Allemand"
    ITALIEN = "it", "Italien"
    PORTUGAIS = "pt", "Portugais"
    ARABE = "ar", "Arabe"
    OCCITAN = "oc", "Occitan"
    CATALAN = "ca", "Catalan"
    TURC = "tr", "Turc"
    LSF = "lsf", "Langue des signes française"


class ProfileField(models.TextChoices):
    """What a professional may choose to show, field by field (their name and structure are what
    being listed means)."""

    FUNCTION = "fonction", "Fonction"
    SITES = "lieux", "Lieux d'accueil"
    TERRITORIES = "territoires", "Territoires"
    SPECIALITIES = "specialites", "Spécialités (besoins et publics)"
    LANGUAGES = "langues", "Langues parlées"
    PHONE = "telephone", "Téléphone professionnel"
    EMAIL = "courriel", "Courriel professionnel"


class Axis(models.TextChoices):
    """The SPRO axis (or label obligation) a training serves."""

    PREMIER_ACCUEIL = "premier-accueil", "Premier accueil et information de premier niveau"
    AIGUILLAGE = "aiguillage", "Aiguillage et travail en réseau"
    INFORMATION_METIERS = "information-metiers", "Information sur les métiers et l'économie"
    CEP = "cep", "Conseil en évolution professionnelle"
    PUBLICS = "publics", "Accueil des publics spécifiques (handicap, décrochage…)"
    OUTILS = "outils", "Outils et ressources du SPRO"
    OBLIGATION_LABEL = "obligation-label", "Obligation du label (professionnalisation)"


class Mode(models.TextChoices):
    ON_SITE = "presentiel", "En présentiel"
    ONLINE = "distanciel", "À distance"
    MIXED = "mixte", "En présentiel et à distance"


class TrainingState(models.TextChoices):
    PUBLISHED = "publiee", "Publiée"
    CANCELLED = "annulee", "Annulée"


class RegistrationState(models.TextChoices):
    REGISTERED = "inscrit", "Inscrit"
    WAITING = "attente", "Sur liste d'attente"
    CANCELLED = "annule", "Inscription annulée"


NEEDS = dict(Need.choices)
PUBLICS = dict(Public.choices)
LANGUAGES = dict(Language.choices)


class ResourceKind(models.TextChoices):
    """What a resource of the library is (Occitanie's "publications régionales … supports", ARA's
    "études … à mettre en ligne")."""

    GUIDE = "guide", "Guide"
    STUDY = "etude", "Étude"
    SECTOR_SHEET = "fiche-secteur", "Fiche secteur"
    TOOL = "support", "Support d'animation"
    OTHER = "autre", "Autre document"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public (tout le monde)"
    MEMBERS = "membres", "Réservé aux membres du réseau"


class ResourceState(models.TextChoices):
    PENDING = "a-valider", "En attente de validation par la Région"
    PUBLISHED = "publiee", "Publiée"
    REFUSED = "refusee", "Refusée"
    WITHDRAWN = "retiree", "Retirée"


RESOURCE_KINDS = dict(ResourceKind.choices)
# --- local coordination by territory ---------------------------------------------------------------


class TerritoryKind(models.TextChoices):
    """The grid a Région chooses for its local coordination."""

    EMPLOYMENT_ZONE = "zone-emploi", "Zone d'emploi"
    LIVING_AREA = "bassin-vie", "Bassin de vie"
    DEPARTEMENT = "departement", "Département"
    COMMUNES = "communes", "Groupe de communes"


class ConventionState(models.TextChoices):
    IN_FORCE = "en-vigueur", "En vigueur"
    NOTICE = "mise-en-demeure", "En vigueur, mise en demeure en cours"
    TERMINATED = "resiliee", "Résiliée"


class NoticeOutcome(models.TextChoices):
    PENDING = "en-cours", "En cours"
    REMEDIED = "levee", "Manquement réparé : mise en demeure levée"
    TERMINATION = "resiliation", "Restée sans effet : convention résiliée"


class DesignationState(models.TextChoices):
    OPEN = "ouverte", "Vote ouvert"
    CLOSED = "close", "Vote clos"


class DesignationResult(models.TextChoices):
    MAJORITY = "majorite", "Désigné à la majorité"
    OUTGOING_KEPT = "sortant-maintenu", "Sans majorité : le coordinateur sortant reste"
    SECOND_ROUND = "second-tour", "Sans majorité : second tour ouvert"
    NONE = "sans-coordinateur", "Sans majorité : aucun coordinateur désigné"


class NoMajorityRule(models.TextChoices):
    """What the Région's policy says when no candidate has the majority (ties included)."""

    OUTGOING_STAYS = "sortant", "Le coordinateur sortant reste en fonction"
    SECOND_ROUND = "second-tour", "Un second tour, à la majorité relative des votes exprimés"
