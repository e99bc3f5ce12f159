"""The fixed organisations every demo starts with, and the invented ones added as the network grows.

The catalogue is the small demo the logins' story is set in (Region Østkysten with
its Center for IT and its Digitalisering unit, Brobyg IT, Nordlys Pharma, …). A larger network
adds generated organisations of the same kinds, named from invented towns and stems.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from kaffebro.network.demo.vocabulary import (
    COMPANY_STEMS,
    FEMALE_FIRST_NAMES,
    GENERATED_KIND_SHARES,
    KINDS,
    LAST_NAMES,
    REGION_KEYS,
    REGION_NAMES,
    STATE_TOPICS,
    TOWN_PREFIXES,
    TOWN_SUFFIXES,
)

DEMO_ALIAS = "demo"


@dataclass
class OrganisationPlan:
    """One organisation before it is written: `weight` sets its share of the persons."""

    name: str
    kind: str
    region: str
    weight: float
    key: str = ""
    aliases: list[str] = field(default_factory=list)


# (key, name, kind, region, weight, extra aliases). The keys are what the logins' story refers to.
CATALOGUE: tuple[tuple[str, str, str, str, int, list[str]], ...] = (
    ("borgerdata", "Styrelsen for Borgerdata", "state", "hovedstaden", 80, ["SfB"]),
    ("region_oestkysten", "Region Østkysten", "region", "hovedstaden", 260, ["RØK"]),
    ("region_vestkysten", "Region Vestkysten", "region", "syddanmark", 150, []),
    ("region_midtlandet", "Region Midtlandet", "region", "midtjylland", 150, []),
    ("fjordby", "Fjordby Kommune", "municipality", "hovedstaden", 140, []),
    ("soeholt", "Søholt Kommune", "municipality", "sjaelland", 90, []),
    ("bakkested", "Bakkested Kommune", "municipality", "midtjylland", 90, []),
    ("klitvig", "Klitvig Kommune", "municipality", "nordjylland", 60, []),
    ("aabakke", "Åbakke Kommune", "municipality", "syddanmark", 60, []),
    ("kystlandet", "Professionshøjskolen Kystlandet", "education", "syddanmark", 60, ["PH Kystlandet"]),
    ("nordlys", "Nordlys Pharma A/S", "pharma", "hovedstaden", 130, ["Nordlys"]),
    ("kildevaeld", "Kildevæld Biotek ApS", "pharma", "sjaelland", 40, []),
    ("havbro", "Havbro Bank A/S", "finance", "midtjylland", 90, ["Havbro"]),
    ("kronvig", "Kronvig Pension", "finance", "hovedstaden", 50, []),
    ("vestenvind", "Vestenvind Energi A/S", "energy", "syddanmark", 90, ["Vestenvind"]),
    ("solmark", "Solmark Forsyning A/S", "energy", "nordjylland", 50, []),
    ("brobyg", "Brobyg IT A/S", "it", "hovedstaden", 90, ["Brobyg"]),
    ("datavej", "Datavej Consulting ApS", "it", "midtjylland", 50, []),
    ("kodekilden", "Kodekilden ApS", "it", "hovedstaden", 25, []),
    ("gaardbutik", "Gårdbutik Danmark A/S", "retail", "syddanmark", 90, []),
    ("lyngholm", "Lyngholm Supermarkeder A/S", "retail", "sjaelland", 70, []),
    ("staalbro", "Stålbro Maskinfabrik A/S", "manufacturing", "midtjylland", 60, []),
    ("havnevej", "Havnevej Logistik A/S", "transport", "syddanmark", 40, []),
    ("morgendug", "Morgendug Medier ApS", "media", "hovedstaden", 30, []),
    ("ali_energi", "Ali Demir Energirådgivning", "sole_trader", "syddanmark", 0, []),
    ("lone_kommunikation", "Lone Kjær Kommunikation", "sole_trader", "hovedstaden", 0, []),
    ("broen", "Netværkshuset Broen", "nonprofit", "hovedstaden", 25, ["Broen", "jobklub"]),
    ("groen_nord", "Foreningen Grøn Omstilling Nord", "nonprofit", "nordjylland", 20, []),
)

CATALOGUE_INDUSTRY = {"ali_energi": "energy", "lone_kommunikation": "media"}


def towns() -> list[str]:
    return [prefix + suffix for prefix, suffix in itertools.product(TOWN_PREFIXES, TOWN_SUFFIXES)]


def catalogue() -> list[OrganisationPlan]:
    return [
        OrganisationPlan(name, kind, region, float(weight), key, [DEMO_ALIAS, *aliases])
        for key, name, kind, region, weight, aliases in CATALOGUE
    ]


def generated(count: int, rng: np.random.Generator) -> list[OrganisationPlan]:
    """`count` more organisations: kinds by `GENERATED_KIND_SHARES`, sizes lognormal (a few large, many small)."""
    if count <= 0:
        return []
    kinds = list(GENERATED_KIND_SHARES)
    shares = np.array([GENERATED_KIND_SHARES[kind] for kind in kinds])
    picked = rng.choice(len(kinds), size=count, p=shares / shares.sum())
    weights = np.minimum(rng.lognormal(mean=3.6, sigma=1.1, size=count), 3000.0)
    regions = rng.integers(0, len(REGION_KEYS), size=count)
    names = _NameSource(rng)
    plans = []
    for kind_index, weight, region_index in zip(picked.tolist(), weights.tolist(), regions.tolist(), strict=True):
        kind = names.available_kind(kinds[kind_index])
        weight = 0.0 if kind == "sole_trader" else weight
        plans.append(OrganisationPlan(names.name_for(kind), kind, REGION_KEYS[region_index], weight, "", [DEMO_ALIAS]))
    plans.extend(names.remaining_regions())
    return plans


class _NameSource:
    """Hands out invented names without repeats: towns for public bodies, stems and words for companies."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        used = {name for _key, name, *_rest in CATALOGUE}
        self.used = used
        self.towns = self._shuffled(town for town in towns() if f"{town} Kommune" not in used)
        self.topics = self._shuffled(topic for topic in STATE_TOPICS if f"Styrelsen for {topic}" not in used)
        self.company_names: dict[str, list[str]] = {}
        self.regions_wanted = [key for key in REGION_KEYS if REGION_NAMES[key] not in used]

    def _shuffled(self, items) -> list[str]:
        items = list(items)
        order = self.rng.permutation(len(items))
        return [items[i] for i in order]

    def available_kind(self, kind: str) -> str:
        """Public bodies are finite (a country has so many municipalities); beyond them, a company."""
        if kind == "municipality" and not self.towns:
            return "it"
        if kind == "state" and not self.topics:
            return "it"
        return kind

    def name_for(self, kind: str) -> str:
        if kind == "municipality":
            return f"{self.towns.pop()} Kommune"
        if kind == "state":
            return f"Styrelsen for {self.topics.pop()}"
        if kind == "education":
            return self._unique(f"Erhvervsakademi {self.rng.choice(towns())}")
        if kind == "sole_trader":
            return self._unique(self._sole_trader_name())
        return self._unique(self._company_name(kind))

    def remaining_regions(self) -> list[OrganisationPlan]:
        """The regions the catalogue lacks, once the network is large enough to have generated anything."""
        return [
            OrganisationPlan(REGION_NAMES[key], "region", key, 150.0, "", [DEMO_ALIAS]) for key in self.regions_wanted
        ]

    def _company_name(self, kind: str) -> str:
        spec = KINDS[kind]
        stem = self.rng.choice(COMPANY_STEMS + tuple(towns()))
        word = self.rng.choice(spec.name_words)
        legal = self.rng.choice(spec.legal_forms)
        if kind == "nonprofit":
            return f"{word} {stem}"
        return f"{stem} {word} {legal}".strip()

    def _sole_trader_name(self) -> str:
        first = self.rng.choice(FEMALE_FIRST_NAMES)
        last = self.rng.choice(LAST_NAMES)
        return f"{first} {last} {self.rng.choice(KINDS['sole_trader'].name_words)}"

    def _unique(self, name: str) -> str:
        """Names repeat once the combinations run out; a number keeps each one distinct."""
        candidate, number = name, 2
        while candidate in self.used:
            candidate, number = f"{name} ({number})", number + 1
        self.used.add(candidate)
        return candidate
