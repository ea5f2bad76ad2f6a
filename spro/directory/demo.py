"""A fictitious directory: a demonstration for one Région, or a national-scale dataset for the benchmark.

Every network of the catalogue is placed where it plausibly is, from the population of the communes of the
referential: CIO and Missions Locales in the main towns with antennas and permanences in smaller towns, one
Cap emploi, CMA, CCI, Chambre d'agriculture, CIDFF, Espace conseil VAE and Centre de gestion per
département (at its most populated commune, standing for the préfecture), Information Jeunesse (regional
centre, bureaux, points), SUIO in the largest towns, Apec in the big cities, one regional structure with
sites for the Région, the CEP operator, Transitions Pro, the E2C, the Cité des métiers… On top of these,
permanences and points relais are drawn in communes weighted by their population; `scale` multiplies
their number, which is how the benchmark reaches a national-scale directory with the same code.

Everything is clearly fictitious: structures are flagged `is_demo`, addresses are "rue de l'Exemple",
phone numbers are in the ranges the Arcep reserves for fiction (05 36 49 xx xx…), e-mail addresses are
at `example.org` (reserved for examples, RFC 2606, and accepted by the data·inclusion schema, which refuses
`.invalid`). Every object passes the directory's own rules (tests/directory/test_demo_validity.py).
The output depends only on the referential, the network catalogue and the seed (one random generator
per Région), never on the clock.

The templates (services of each network, names, opening hours, streets, fiction phone ranges…) are data,
in `data/demo.json`; this module holds the code that places them.
"""

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module

from django.db import transaction
from django.utils import timezone

from spro.directory import datafiles
from spro.directory.codes import Accessibility, ReceptionMode, SiteKind, code_mask
from spro.directory.codes import AccessMode as A
from spro.directory.codes import Need as N
from spro.directory.codes import Public as P
from spro.directory.models import Membership, Network, Service, Site, Structure, code_index
from spro.directory.validators import normalize_phone, normalize_publics
from spro.territories.lookup import normalize
from spro.territories.models import Commune, Departement, Region

SEED = 20260325
ALREADY_LOADED = "Annuaire de démonstration déjà chargé."
DEMO_NOTICE = "Structure fictive créée pour la démonstration du portail : ses coordonnées n'existent pas."

# Professionals' demo accounts, members of the Mission Locale and the CIO of the Région's largest town.
PRO_ACCOUNTS = [
    ("structure@structure.demo", "Sacha", "Responsable", Membership.Role.ADMIN),
    ("conseiller@structure.demo", "Camille", "Conseillère", Membership.Role.ADVISER),
]
PRO_ACCOUNT_NETWORKS = ("mission-locale", "cio")

# The templates of the demo (data/demo.json): turned back into `codes` members, so a wrong code stops here.
_FILE = "demo"

# Numbering zone of the fictitious phone numbers, by Région, and the range the Arcep reserves for fiction
# in each zone (valid national numbers that are never attributed).
PHONE_PREFIX = datafiles.table(_FILE, "phone_prefix_by_region")
FICTION_PHONE_RANGES = datafiles.table(_FILE, "fiction_phone_ranges")

# --- services offered by each network: (name, needs, publics, access modes) ---------------------------
LIBRE, RDV, ORIENT = A.LIBRE.value, A.RENDEZ_VOUS.value, A.ORIENTATION.value


def _service(network: str, index: int, row: dict) -> tuple:
    where = f"services.{network}[{index}]"
    return (
        row["name"],
        datafiles.codes(N, row["needs"], _FILE, f"{where}.needs"),
        datafiles.codes(P, row["publics"], _FILE, f"{where}.publics"),
        [datafiles.code(A, m, _FILE, f"{where}.access_modes").value for m in row["access_modes"]],
    )


SERVICES = {
    network: [_service(network, i, row) for i, row in enumerate(rows)]
    for network, rows in datafiles.table(_FILE, "services").items()
}

# --- how each network is named: (structure name, site name), formatted with town/departement/region ----
NAMES = {network: (n["structure"], n["site"]) for network, n in datafiles.table(_FILE, "names").items()}
QUARTERS = datafiles.table(_FILE, "quarters")
KIND_WORDS = {
    datafiles.code(SiteKind, kind, _FILE, f"site_kind_words.{kind}"): word
    for kind, word in datafiles.table(_FILE, "site_kind_words").items()
}

SHORT = datafiles.table(_FILE, "short_names")

# Permanences and points relais drawn per 100,000 inhabitants (times `scale`), and their kind.
EXTRA_PER_100K = {
    network: (
        extra["per_100k"],
        datafiles.code(SiteKind, extra["kind"], _FILE, f"extra_sites_per_100k.{network}"),
    )
    for network, extra in datafiles.table(_FILE, "extra_sites_per_100k").items()
}

# --- opening hours (OpenStreetMap syntax) ------------------------------------------------------------
_HOURS = datafiles.table(_FILE, "opening_hours")
HOURS_OFFICE = _HOURS["office"]
HOURS_YOUTH = _HOURS["youth"]
HOURS_FRANCE_TRAVAIL = _HOURS["france_travail"]
HOURS_PART_TIME = _HOURS["part_time"]
HOURS_RELAY = _HOURS["relay"]


def de(name: str) -> str:
    """French "de" before a place name: "de Nîmes", "d'Albi", "du Puy-en-Velay", "des Sables-d'Olonne"."""
    if name.startswith("Le "):
        return f"du {name[3:]}"
    if name.startswith("Les "):
        return f"des {name[4:]}"
    first = normalize(name)[:1]
    return f"d'{name}" if first in "aeiouyh" and first else f"de {name}"


@dataclass(frozen=True)
class Town:
    code: str
    name: str
    departement: str
    population: int
    postal_code: str
    latitude: float
    longitude: float


@dataclass
class Planned:
    """A structure to create with its sites: (town, kind, name)."""

    network: str
    name: str
    departement: str
    sites: list = field(default_factory=list)


@dataclass
class Result:
    structures: int = 0
    sites: int = 0
    services: int = 0
    regions: list = field(default_factory=list)
    already_loaded: bool = False


class _RegionPlan:
    """Where the sites of every network go in one Région (pure computation, no query)."""

    def __init__(self, region: Region, departements: dict, towns: list[Town], networks: set, rng, scale):
        self.region = region
        self.departements = departements  # code -> name
        self.rng = rng
        self.scale = scale
        self.towns = towns  # by population, largest first
        self.by_dept = defaultdict(list)
        for town in towns:
            self.by_dept[town.departement].append(town)
        self.networks = networks
        self.planned: list[Planned] = []
        self._keyed: dict = {}

    # -- helpers --------------------------------------------------------------------------------------
    def structure(self, network: str, key, town: Town) -> Planned:
        """The structure of `network` identified by `key` (a town, a département or the Région)."""
        if (network, key) not in self._keyed:
            pattern = NAMES[network][0]
            planned = Planned(network, self._format(pattern, town), town.departement)
            self._keyed[(network, key)] = planned
            self.planned.append(planned)
        return self._keyed[(network, key)]

    def _format(self, pattern: str, town: Town) -> str:
        return pattern.format(
            town=town.name,
            de_town=de(town.name),
            departement=self.departements[town.departement],
            region=self.region.name,
        )

    def add_site(self, planned: Planned, town: Town, kind=SiteKind.PRINCIPAL, name=None):
        structure_pattern, site_pattern = NAMES[planned.network]
        if name is None and kind in (SiteKind.PERMANENCE, SiteKind.POINT_RELAIS):
            name = f"{KIND_WORDS[kind].capitalize()} {SHORT[planned.network]} — {town.name}"
        elif name is None and kind == SiteKind.ANTENNE and "{de_town}" in structure_pattern:
            name = f"{planned.name} — antenne {de(town.name)}"  # "Mission Locale de Nîmes — antenne d'Alès"
        elif name is None:
            name = self._format(site_pattern, town)
        planned.sites.append((town, kind, name))

    def prefecture(self, dept: str) -> Town:
        return self.by_dept[dept][0]

    def dept_towns(self, dept: str, low: int, high: int = 10**9) -> list[Town]:
        return [t for t in self.by_dept[dept] if low <= t.population < high]

    def main_towns(self, dept: str, min_population: int, at_least: int) -> list[Town]:
        towns = self.by_dept[dept]
        chosen = [t for t in towns if t.population >= min_population]
        return chosen if len(chosen) >= at_least else towns[:at_least]

    @staticmethod
    def nearest(town: Town, candidates):
        return min(candidates, key=lambda c: (town.latitude - c[0].latitude) ** 2 + (
            (town.longitude - c[0].longitude) * math.cos(math.radians(town.latitude))) ** 2)  # fmt: skip

    # -- per network ----------------------------------------------------------------------------------
    def per_town(self, network, min_population, at_least, antenna_range=None, antenna_kind=SiteKind.ANTENNE):
        """One structure per main town of each département, antennas in smaller towns nearby."""
        for dept in self.by_dept:
            mains = [
                (t, self.structure(network, t.code, t))
                for t in self.main_towns(dept, min_population, at_least)
            ]
            for town, planned in mains:
                self.add_site(planned, town)
            if antenna_range:
                main_codes = {t.code for t, _ in mains}
                for town in self.dept_towns(dept, *antenna_range):
                    if town.code not in main_codes:
                        self.add_site(self.nearest(town, mains)[1], town, antenna_kind)

    def per_departement(self, network, antenna_min=None, antenna_count=0):
        """One structure per département at its préfecture, antennas in its other large towns."""
        for dept in self.by_dept:
            prefecture = self.prefecture(dept)
            planned = self.structure(network, dept, prefecture)
            self.add_site(planned, prefecture)
            others = self.by_dept[dept][1:]
            if antenna_min:
                others = [t for t in others if t.population >= antenna_min]
            for town in others[:antenna_count] if antenna_count else (others if antenna_min else []):
                self.add_site(planned, town, SiteKind.ANTENNE)

    def per_region(self, network, towns: list[Town], kind_after_first=SiteKind.ANTENNE):
        if not towns:
            return
        planned = self.structure(network, "region", towns[0])
        for i, town in enumerate(towns):
            self.add_site(planned, town, SiteKind.PRINCIPAL if i == 0 else kind_after_first)

    def plan(self):
        largest = self.towns
        prefectures = [self.prefecture(d) for d in self.by_dept]
        prefecture_codes = {t.code for t in prefectures}
        steps = {
            "cio": lambda: self.per_town("cio", 20_000, 2, (8_000, 20_000), SiteKind.PERMANENCE),
            "mission-locale": lambda: self.per_town("mission-locale", 15_000, 2, (4_000, 15_000)),
            "suio": lambda: self._suio(largest, prefectures),
            "france-travail": self._france_travail,
            "cap-emploi": lambda: self.per_departement("cap-emploi", antenna_min=60_000, antenna_count=1),
            "apec": lambda: self.per_region(
                "apec", [t for t in largest if t.population >= 100_000] or largest[:1], SiteKind.PRINCIPAL
            ),
            "cep-actifs": lambda: self.per_region(
                "cep-actifs",
                largest[:1]
                + [t for t in largest[1:] if t.code in prefecture_codes or t.population >= 40_000],
                SiteKind.PRINCIPAL,
            ),
            "transitions-pro": lambda: self.per_region("transitions-pro", largest[:2]),
            "conseil-vae": lambda: self.per_departement("conseil-vae", antenna_min=30_000),
            "cma": lambda: self.per_departement("cma", antenna_min=50_000),
            "cci": lambda: self.per_departement("cci", antenna_min=50_000),
            "chambre-agriculture": self._chambre_agriculture,
            "information-jeunesse": self._information_jeunesse,
            "cidff": lambda: self.per_departement("cidff"),
            "e2c": lambda: self.per_region(
                "e2c",
                [t for t in prefectures if t.population >= 30_000] or largest[:1],
                SiteKind.PRINCIPAL,
            ),
            "epide": self._epide,
            "maison-emploi": self._maison_emploi,
            "cite-des-metiers": lambda: self.per_region(
                "cite-des-metiers", self._unique(largest[:1] + prefectures)
            ),
            "region": lambda: self.per_region(
                "region",
                self._unique(largest[:1] + prefectures + [t for t in largest if t.population >= 50_000]),
                SiteKind.PRINCIPAL,
            ),
            "employeur-public": lambda: self.per_departement("employeur-public"),
        }
        for network, step in steps.items():
            if network in self.networks:
                step()
        self._extras()
        return self.planned

    @staticmethod
    def _unique(towns):
        seen, out = set(), []
        for town in towns:
            if town.code not in seen:
                seen.add(town.code)
                out.append(town)
        return out

    def _suio(self, largest, prefectures):
        universities = [t for t in largest if t.population >= 80_000] or largest[:1]
        for town in universities:
            self.add_site(self.structure("suio", town.code, town), town)
        # Antennes universitaires in the other préfectures of 40,000 inhabitants or more.
        mains = [(t, self.structure("suio", t.code, t)) for t in universities]
        for town in prefectures:
            if town.population >= 40_000 and town not in universities:
                self.add_site(self.nearest(town, mains)[1], town, SiteKind.ANTENNE)

    def _france_travail(self):
        for dept, towns in self.by_dept.items():
            planned = self.structure("france-travail", dept, towns[0])
            for town in self.main_towns(dept, 10_000, 1):
                agencies = max(1, town.population // 70_000)
                for i in range(agencies):
                    name = f"France Travail {town.name}"
                    if agencies > 1:
                        name += f" {QUARTERS[i]}" if i < len(QUARTERS) else f" {i + 1}"
                    self.add_site(planned, town, name=name)

    def _chambre_agriculture(self):
        self.per_departement("chambre-agriculture")
        for dept in self.by_dept:
            rural = self.dept_towns(dept, 2_000, 10_000)
            if rural:
                planned = self.structure("chambre-agriculture", dept, self.prefecture(dept))
                self.add_site(planned, self.rng.choice(rural), SiteKind.ANTENNE)

    def _information_jeunesse(self):
        capital = self.towns[0]
        crij = self.structure("information-jeunesse", "crij", capital)
        crij.name = f"Centre régional information jeunesse — {self.region.name}"
        self.add_site(crij, capital)
        for dept in self.by_dept:
            bureaux = []
            for town in self.main_towns(dept, 30_000, 1):
                if town.code != capital.code:
                    planned = self.structure("information-jeunesse", town.code, town)
                    self.add_site(planned, town)
                    bureaux.append((town, planned))
            bureaux = bureaux or [(capital, crij)]
            for town in self.dept_towns(dept, 3_000, 30_000):
                if self.rng.random() < 0.35:
                    self.add_site(self.nearest(town, bureaux)[1], town, SiteKind.POINT_RELAIS)

    def _epide(self):
        candidates = [t for t in self.towns if 3_000 <= t.population < 20_000] or self.towns[-1:]
        count = 2 if sum(t.population for t in self.towns) > 5_000_000 else 1
        centres = sorted(self.rng.sample(candidates, min(count, len(candidates))), key=self.towns.index)
        self.per_region("epide", centres, SiteKind.PRINCIPAL)

    def _maison_emploi(self):
        for towns in self.by_dept.values():
            # Maisons de l'emploi cover a bassin: the second town of the département when it is large enough.
            for town in towns[1:3]:
                if town.population >= 10_000:
                    self.add_site(self.structure("maison-emploi", town.code, town), town)

    def _extras(self):
        """Permanences and points relais in communes drawn by population (their number times `scale`)."""
        population = sum(t.population for t in self.towns)
        weights = []
        total = 0
        for town in self.towns:
            total += town.population or 1
            weights.append(total)
        by_network_dept = defaultdict(list)
        for planned in self.planned:
            town = planned.sites[0][0] if planned.sites else None
            if town:
                by_network_dept[(planned.network, planned.departement)].append((town, planned))
        by_network = defaultdict(list)
        for (network, _), items in by_network_dept.items():
            by_network[network].extend(items)
        for network, (per_100k, kind) in EXTRA_PER_100K.items():
            if network not in self.networks or not by_network[network]:
                continue
            count = round(per_100k * self.scale * population / 100_000)
            seen = set()
            for town in self.rng.choices(self.towns, cum_weights=weights, k=count):
                if self.scale <= 1 and town.code in seen:
                    continue  # a demo shows one permanence of a network per commune
                seen.add(town.code)
                candidates = by_network_dept.get((network, town.departement)) or by_network[network]
                self.add_site(self.nearest(town, candidates)[1], town, kind)


def _services_for(network: Network) -> list[tuple]:
    """The network's service templates, restricted to the needs and publics of its catalogue entry."""
    known_needs = set(network.needs or [])
    known_publics = set(network.publics or [])
    templates = []
    for name, needs, publics, access in SERVICES.get(network.code, []):
        needs = [str(n) for n in needs]
        publics = [str(p) for p in publics]
        if known_needs:
            needs = [n for n in needs if n in known_needs]
        if known_publics:
            publics = [p for p in publics if p in known_publics] or sorted(known_publics)
        publics = normalize_publics(publics)  # a network may serve everyone and some publics more
        if needs:
            templates.append((name, needs, publics, access))
    if not templates and network.needs:
        templates.append(
            (
                "Premier accueil et information",
                list(network.needs),
                normalize_publics(network.publics),
                [LIBRE],
            )
        )
    return templates


def _hours(network: str, kind: str, rng) -> str:
    if kind == SiteKind.PERMANENCE:
        return rng.choice(HOURS_PART_TIME)
    if kind == SiteKind.POINT_RELAIS:
        return rng.choice(HOURS_RELAY)
    if network == "france-travail":
        return rng.choice(HOURS_FRANCE_TRAVAIL)
    if network in ("information-jeunesse", "cite-des-metiers", "region") and rng.random() < 0.6:
        return rng.choice(HOURS_YOUTH)
    if kind == SiteKind.ANTENNE and rng.random() < 0.3:
        return rng.choice(HOURS_PART_TIME)
    if rng.random() < 0.08:
        return ""  # hours not given: shown as unknown
    return rng.choice(HOURS_OFFICE)


def _modes(kind: str, rng) -> list[str]:
    if kind == SiteKind.PRINCIPAL:
        modes = [ReceptionMode.SUR_PLACE, ReceptionMode.RENDEZ_VOUS, ReceptionMode.TELEPHONE]
        modes += [ReceptionMode.VISIO] if rng.random() < 0.4 else []
        modes += [ReceptionMode.COURRIEL] if rng.random() < 0.6 else []
    elif kind == SiteKind.ANTENNE:
        modes = [ReceptionMode.RENDEZ_VOUS, ReceptionMode.TELEPHONE]
        modes += [ReceptionMode.SUR_PLACE] if rng.random() < 0.5 else []
    elif kind == SiteKind.PERMANENCE:
        modes = [ReceptionMode.RENDEZ_VOUS]
        modes += [ReceptionMode.TELEPHONE] if rng.random() < 0.5 else []
    else:
        modes = [ReceptionMode.SUR_PLACE]
        modes += [ReceptionMode.COURRIEL] if rng.random() < 0.5 else []
    return [str(m) for m in modes]


def _accessibility(kind: str, rng) -> list[str]:
    values = []
    if rng.random() < (0.85 if kind == SiteKind.PRINCIPAL else 0.6):
        values.append(Accessibility.PMR)
    if rng.random() < 0.25:
        values.append(Accessibility.BOUCLE)
    if rng.random() < 0.08:
        values.append(Accessibility.LSF)
    if rng.random() < 0.2:
        values.append(Accessibility.FALC)
    return [str(v) for v in values]


STREETS = datafiles.table(_FILE, "streets")


def _phone(fiction_range: str, rng) -> str:
    # Three draws, as before the numbers moved to the fiction ranges: the rest of the demo is unchanged.
    _, *digits = (rng.randint(0, 99) for _ in range(3))
    return f"{fiction_range} " + " ".join(f"{d:02d}" for d in digits)


def _slug(text: str, length: int = 30) -> str:
    return normalize(text).replace(" ", "-")[:length].strip("-") or "lieu"


def _towns(region_codes) -> dict[str, list[Town]]:
    rows = Commune.objects.exclude(latitude=None).exclude(longitude=None)
    if region_codes is not None:
        rows = rows.filter(region_id__in=region_codes)
    by_region = defaultdict(list)
    for code, name, dept, region, population, postal_codes, lat, lon in rows.order_by(
        "-population", "code"
    ).values_list(
        "code", "name", "departement_id", "region_id", "population", "postal_codes", "latitude", "longitude"
    ):
        postal = postal_codes.split()[0] if postal_codes else ""
        by_region[region].append(Town(code, name, dept, population, postal or f"{dept[:2]}000", lat, lon))
    return by_region


def generate(region_codes=None, scale: float = 1.0, seed: int = SEED, batch_size: int = 2000) -> Result:
    """Create the fictitious directory of the Régions (all when None) in one transaction.

    Does nothing and says so when demo structures already exist. Returns the counts created.
    """
    result = Result()
    if Structure.objects.filter(is_demo=True).exists():
        result.already_loaded = True
        return result
    networks = {n.code: n for n in Network.objects.filter(is_active=True)}
    if not networks:
        raise ValueError("Le catalogue des réseaux est vide : lancez d'abord « spro migrate ».")
    regions = Region.objects.all() if region_codes is None else Region.objects.filter(code__in=region_codes)
    regions = {r.code: r for r in regions}
    unknown = sorted(set(region_codes or []) - set(regions))
    if unknown:
        raise ValueError(f"Région inconnue du référentiel : {', '.join(unknown)}.")
    towns = _towns(None if region_codes is None else list(regions))
    departements = dict(Departement.objects.values_list("code", "name"))
    services_by_network = {code: _services_for(n) for code, n in networks.items()}
    now = timezone.now()

    with transaction.atomic():
        for region_code in sorted(regions):
            if not towns.get(region_code):
                continue
            rng = random.Random(f"{seed}-{region_code}")
            plan = _RegionPlan(
                regions[region_code], departements, towns[region_code], set(networks), rng, scale
            )
            planned = plan.plan()
            _write(planned, networks, services_by_network, region_code, rng, now, result, batch_size)
            result.regions.append(region_code)
    return result


def _write(planned, networks, services_by_network, region_code, rng, now, result, batch_size):
    structures = [
        Structure(
            name=p.name,
            network=networks[p.network],
            membership_kind=networks[p.network].membership_kind,
            description=DEMO_NOTICE,
            is_demo=True,
        )
        for p in planned
    ]
    Structure.objects.bulk_create(structures, batch_size=batch_size)
    result.structures += len(structures)
    phone_range = FICTION_PHONE_RANGES[PHONE_PREFIX.get(region_code, "01")]
    site_objects, site_services = [], []
    names_seen = defaultdict(int)
    for planned_structure, structure in zip(planned, structures, strict=True):
        network = networks[planned_structure.network]
        templates = services_by_network[network.code]
        for town, kind, name in planned_structure.sites:
            names_seen[name] += 1
            if names_seen[name] > 1:
                name = f"{name} ({names_seen[name]})"
            # A few hundred metres around the town centre, more in large towns.
            radius_km = 0.3 + min(3.0, math.sqrt(town.population) / 150)
            lat = town.latitude + rng.uniform(-radius_km, radius_km) / 111.2
            lon = town.longitude + rng.uniform(-radius_km, radius_km) / (111.2 * math.cos(math.radians(lat)))
            modes = _modes(kind, rng)
            keep = (
                templates if kind in (SiteKind.PRINCIPAL, SiteKind.ANTENNE) else templates[:-1] or templates
            )
            site_kind_services = keep
            updated = now - timedelta(
                days=rng.randint(200, 320) if rng.random() < 0.05 else rng.randint(0, 150)
            )
            description = "Lieu fictif de démonstration."
            site = Site(
                structure=structure,
                name=name[:200],
                kind=kind,
                address=f"{rng.randint(1, 60)} {rng.choice(STREETS)}",
                postal_code=town.postal_code,
                commune_id=town.code,
                latitude=round(lat, 6),
                longitude=round(lon, 6),
                phone=_phone(phone_range, rng),
                email=f"{_slug(network.code, 20)}.{_slug(town.name)}@example.org",
                opening_hours=_hours(network.code, kind, rng),
                reception_modes=modes,
                accessibility=_accessibility(kind, rng),
                description=description,
                created_at=updated,
                updated_at=updated,
                network_code=network.code,
                needs_index=code_index(n for t in site_kind_services for n in t[1]),
                publics_index=code_index(p for t in site_kind_services for p in t[2]),
                modes_index=code_index(modes),
                needs_mask=code_mask(N, [n for t in site_kind_services for n in t[1]]),
                publics_mask=code_mask(P, [p for t in site_kind_services for p in t[2]]),
                modes_mask=code_mask(ReceptionMode, modes),
                search_text=normalize(
                    " ".join(
                        filter(
                            None,
                            [name, structure.name, network.label, network.short_label, town.name, description]
                            + sorted(t[0] for t in site_kind_services),  # as Site.reindex(): by name
                        )
                    )
                ),
            )
            site_objects.append(site)
            site_services.append((site_kind_services, updated))
    for start in range(0, len(site_objects), batch_size):
        Site.objects.bulk_create(site_objects[start : start + batch_size])
    result.sites += len(site_objects)
    services = [
        Service(
            site=site,
            name=name,
            needs=needs,
            publics=publics,
            access_modes=access,
            created_at=updated,
            updated_at=updated,
        )
        for site, (templates, updated) in zip(site_objects, site_services, strict=True)
        for name, needs, publics, access in templates
    ]
    for start in range(0, len(services), batch_size * 2):
        Service.objects.bulk_create(services[start : start + batch_size * 2])
    result.services += len(services)


REMOTE_ENTRIES = datafiles.table(_FILE, "remote_entries_by_region")
REMOTE_STRUCTURE = "Région {region} — services à distance"


def ensure_remote_entries(region_codes=None) -> int:
    """The phone line and the website of each Région (of `region_codes`, all when None) that has them in
    the demo data, as remote-only sites serving the whole Région; creates only the missing ones (so a
    second run creates nothing) and returns how many it created."""
    wanted = [code for code in REMOTE_ENTRIES if code != "_description"]
    if region_codes is not None:
        wanted = [code for code in wanted if code in set(region_codes)]
    regions = {r.code: r for r in Region.objects.filter(code__in=wanted)}
    network = Network.objects.filter(code="region").first()
    if network is None or not regions:
        return 0
    created = 0
    with transaction.atomic():
        for code, region in sorted(regions.items()):
            structure, _ = Structure.objects.get_or_create(
                name=REMOTE_STRUCTURE.format(region=region.name),
                network=network,
                is_demo=True,
                defaults={"membership_kind": network.membership_kind, "description": DEMO_NOTICE},
            )
            for entry in REMOTE_ENTRIES[code]:
                if Site.objects.filter(
                    structure=structure, kind=SiteKind.A_DISTANCE, name=entry["name"]
                ).exists():
                    continue
                medium = "Ligne téléphonique" if entry["medium"] == "telephone" else "Site internet"
                notice = " Numéro fictif de démonstration." if entry["fictitious"] else ""
                site = Site(
                    structure=structure,
                    name=entry["name"],
                    kind=SiteKind.A_DISTANCE,
                    served_region=code,
                    phone=normalize_phone(entry["phone"]),
                    website=entry["website"],
                    email=f"{entry['medium']}.region-{code}@example.org",  # fictitious, as every demo address
                    opening_hours=entry["opening_hours"],
                    reception_modes=["telephone"] if entry["phone"] else [],
                    description=f"{medium} de la Région, sans accueil sur place.{notice}",
                )
                site.full_clean()
                site.save()
                Service.objects.create(
                    site=site,
                    name=entry["service"],
                    needs=datafiles.codes(N, entry["needs"], _FILE, "remote_entries_by_region"),
                    publics=[P.TOUS.value],
                    access_modes=[A.LIBRE.value],
                )
                site.reindex()
                created += 1
    return created


def ensure_pro_accounts() -> list:
    """The professionals' demo accounts, members of the demo Mission Locale and CIO of the largest town."""
    from django.contrib.auth import get_user_model

    User = get_user_model()  # the directory sits below accounts: it names the user model, never imports it
    password = import_module("spro.core.management.commands.setup-demo").DEMO_PASSWORD
    structures = []
    for code in PRO_ACCOUNT_NETWORKS:
        structure = Structure.objects.filter(is_demo=True, network__code=code).order_by("pk").first()
        if structure:
            structures.append(structure)
    users = []
    for email, first, last, role in PRO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        for structure in structures:
            Membership.objects.get_or_create(user=user, structure=structure, defaults={"role": role})
        users.append(user)
    return users


def pro_account_lines() -> list[str]:
    """ "email (role: structures)" of the professionals' demo accounts that exist, for setup-demo."""
    lines = []
    memberships = Membership.objects.filter(
        user__email__in=[a[0] for a in PRO_ACCOUNTS], structure__is_demo=True
    )
    by_email = defaultdict(list)
    for m in memberships.select_related("user", "structure").order_by("structure__pk"):
        by_email[m.user.email].append(m)
    for email, *_ in PRO_ACCOUNTS:
        if by_email[email]:
            role = by_email[email][0].get_role_display().lower()
            lines.append(f"{email} ({role} : {', '.join(m.structure.name for m in by_email[email])})")
    return lines
