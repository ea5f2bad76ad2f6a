"""Vocabulary of a situation (issue 4): stored codes (ASCII slugs) and the French labels people read."""

STATUTS = {
    "eleve": "Collégien ou lycéen",
    "etudiant": "Étudiant",
    "apprenti": "Apprenti",
    "demandeur-emploi": "Demandeur d'emploi",
    "salarie-prive": "Salarié du secteur privé",
    "independant": "Travailleur indépendant",
    "agent-public": "Agent public (fonctionnaire ou contractuel)",
    "sans-activite": "Sans activité",
    "retraite": "Retraité",
}

DIPLOMES = {
    "aucun": "Aucun diplôme",
    "cap-bep": "CAP ou BEP",
    "bac": "Baccalauréat",
    "bac+2": "Bac + 2",
    "bac+3": "Bac + 3 (licence)",
    "bac+5": "Bac + 5 ou plus",
}

BESOINS = {
    "orientation-etudes": "Choisir mes études ou ma voie de formation",
    "decouvrir-metiers": "Découvrir des métiers",
    "trouver-formation": "Trouver une formation",
    "apprentissage": "Trouver un apprentissage",
    "trouver-emploi": "Trouver un emploi",
    "reconversion": "Changer de métier (reconversion)",
    "projet-transition": (
        "Financer une reconversion en étant salarié (projet de transition professionnelle)"
    ),
    "maintien-emploi": "Garder mon emploi",
    "vae": "Faire valider mon expérience (VAE)",
    "creer-entreprise": "Créer ou reprendre une entreprise",
    "remobilisation": "Reprendre pied, retrouver un projet",
    "acces-droits": "Connaître mes droits",
    "documentation": "Me documenter par moi-même",
}

SECTEURS = {
    "artisanat": "Artisanat",
    "batiment": "Bâtiment",
    "commerce": "Commerce",
    "industrie": "Industrie",
    "services": "Services",
    "hotellerie-restauration": "Hôtellerie et restauration",
    "agriculture": "Agriculture",
    "sante-social": "Santé et social",
    "numerique": "Numérique",
    "autre": "Autre secteur",
}

SEXES = {"femme": "Femme", "homme": "Homme"}

# Situation field → (kind, allowed codes or None). Kinds: "int", "bool", "code", "str".
FIELDS = {
    "age": ("int", None),
    "sexe": ("code", SEXES),
    "statut": ("code", STATUTS),
    "diplome": ("code", DIPLOMES),
    "cadre": ("bool", None),
    "rqth": ("bool", None),
    "mois_hors_ecole": ("int", None),
    "besoin": ("code", BESOINS),
    "secteur": ("code", SECTEURS),
    "commune": ("str", None),
    "premiere_porte": ("str", None),
    # The person prefers a remote mode (phone, website): the answer then names the remote entries of
    # the directory serving the commune (spro.routing.places), as it does when no site is near.
    "a_distance": ("bool", None),
    "metier": ("rome", None),  # ROME 4.0 code of the person's project, e.g. "D1102" (spro.metiers)
}

# Fields a rule may test that the engine derives from the situation (never sent by a caller): the grand
# domaine (a letter) and the domaine professionnel (letter + 2 digits) of the métier's ROME code.
DERIVED_FIELDS = {
    "metier_grand_domaine": ("str", None),
    "metier_domaine": ("str", None),
}
RULE_FIELDS = {**FIELDS, **DERIVED_FIELDS}
