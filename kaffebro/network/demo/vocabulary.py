"""The invented words the demo network is made of: names, towns, organisation kinds and their units.

Everything here is made up. Towns and company names are built from syllables that
sound Danish; a real place or firm with the same name would be a coincidence, and
every demo organisation carries the alias `demo` and an `example.org` website.
"""

from __future__ import annotations

from dataclasses import dataclass


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FEMALE_FIRST_NAMES = _words(
    "Mette Anne Kirsten Hanne Susanne Lene Pia Camilla Louise Maria Sofie Ida Freja Signe Karin Birthe "
    "Olga Lærke Søs Åse Bodil Gitte Tove Inge Rikke Trine Helle Dorte Maja Emma Astrid Sørine Else Jytte "
    "Vibeke Nanna Cecilie Line Marianne Fatima Amalie Clara Agnete Bente Ulla Marlene Stine Maiken Yasmin "
    "Zainab"
)
MALE_FIRST_NAMES = _words(
    "Jonas Henrik Peter Lars Søren Jørgen Niels Jens Anders Thomas Morten Martin Mads Rasmus Kasper "
    "Frederik Bjørn Ole Poul Kristian Torben Bent Flemming Michael Christian Jakob Mikkel Emil Magnus "
    "Oliver Ali Omar Hamid Kåre Steffen Troels Asger Esben Carsten Claus Ebbe Gunnar Halfdan Ib Jesper "
    "Klaus Laurits Malthe Noah Viggo"
)
LAST_NAMES = _words(
    "Nielsen Jensen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen Petersen "
    "Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen Møller Mortensen Knudsen Jakobsen "
    "Mikkelsen Olesen Frederiksen Laursen Henriksen Lund Holm Schmidt Kjær Bækgaard Østergaard Ågaard "
    "Dalsgård Lykke Bønløkke Kragh Vestergaard Søndergaard Nørgaard Bach Winther Skov Friis Dahl Brandt "
    "Høj Krogh Lauridsen Mølgaard Fløe Ravn Løvgren Bæk Demir Hussein Nguyen Kowalski Ahmadi Strøm "
    "Gråkjær Thygesen Engholm Toft Eskildsen Bisgaard Aagesen"
)

# Town names are syllable pairs that sound Danish, e.g. "Fjordby" or "Tangholt".
TOWN_PREFIXES = _words(
    "Fjord Tang Rav Mose Klit Kyst Hvede Kløver Ørne Svane Hjorte Lærke Bøge Kilde Æble Måge Tjørne Bakke "
    "Sø Å Hav Strand Mølle Sten"
)
TOWN_SUFFIXES = ("by", "holt", "sted", "vig", "bjerg", "toft", "høj", "bæk", "dal", "lev", "rød", "ager")

REGION_NAMES = {
    "hovedstaden": "Region Østkysten",
    "syddanmark": "Region Vestkysten",
    "midtjylland": "Region Midtlandet",
    "sjaelland": "Region Sydsjælland-Øerne",
    "nordjylland": "Region Nordspidsen",
}
REGION_KEYS = tuple(REGION_NAMES)

COMPANY_STEMS = _words(
    "Nordlys Kildevæld Havbro Vestenvind Brobyg Datavej Kodekilden Stålbro Solmark Kronvig Lyngholm "
    "Gårdbutik Havnevej Blåbjerg Egelund Fyrtårn Tangkyst Ravnsø Hvedemark Bølgen Klitrose Mågeflugt "
    "Højlys Ørnereden Birkely Stenbro Sølvå Lysning Morgendug Kystlinje Grønspætte Kornblomst Vindrose "
    "Fjordlys Hedebo"
)

DECISION_MAKER_DEPUTY_TITLES = ("souschef", "teamleder", "viceleder")


@dataclass(frozen=True)
class UnitTemplate:
    """A leaf unit: where people work, who leads it and which job field it hires for."""

    name: str
    head: str
    staff: tuple[str, ...]
    job_field: str


@dataclass(frozen=True)
class Division:
    """A top-level unit with its own head and leaf units beneath it."""

    name: str
    head: str
    units: tuple[UnitTemplate, ...]


@dataclass(frozen=True)
class Kind:
    """A kind of organisation: its sector, public level, industry, naming and unit tree."""

    key: str
    sector: str
    public_level: str
    industry: str
    divisions: tuple[Division, ...]
    name_words: tuple[str, ...] = ()
    legal_forms: tuple[str, ...] = ("A/S", "ApS")


def _unit(name: str, head: str, staff: str, job_field: str) -> UnitTemplate:
    return UnitTemplate(name, head, tuple(staff.split(", ")), job_field)


_CENTER_FOR_IT = Division(
    "Center for IT",
    "IT-direktør",
    (
        _unit(
            "Digitalisering",
            "digitaliseringschef",
            "udviklingskonsulent, digitaliseringskonsulent, projektleder, forretningsudvikler",
            "digitalisering",
        ),
        _unit("IT-drift", "driftschef", "systemadministrator, IT-supporter, driftsarkitekt", "IT-drift"),
        _unit("Data og Analyse", "analysechef", "dataanalytiker, data scientist, BI-udvikler", "data og analyse"),
    ),
)
_HR = Division(
    "Center for HR",
    "HR-direktør",
    (
        _unit("Rekruttering", "rekrutteringschef", "HR-konsulent, rekrutteringskonsulent", "HR"),
        _unit("Løn og Personale", "lønchef", "lønkonsulent, HR-partner", "HR"),
    ),
)
_ECONOMY = Division(
    "Center for Økonomi",
    "økonomidirektør",
    (
        _unit("Budget og Analyse", "budgetchef", "økonomikonsulent, controller", "økonomi"),
        _unit("Indkøb", "indkøbschef", "indkøber, udbudskonsulent", "indkøb"),
    ),
)
_HOSPITAL = Division(
    "Kysthospitalet",
    "hospitalsdirektør",
    (
        _unit("Akutmodtagelsen", "ledende overlæge", "sygeplejerske, overlæge, afdelingslæge, lægesekretær", "sundhed"),
        _unit("Kardiologisk Afdeling", "ledende overlæge", "sygeplejerske, overlæge, bioanalytiker", "sundhed"),
        _unit("Børneafdelingen", "oversygeplejerske", "sygeplejerske, afdelingslæge, pædagog", "sundhed"),
        _unit("Ortopædkirurgisk Afdeling", "ledende overlæge", "sygeplejerske, overlæge, fysioterapeut", "sundhed"),
    ),
)

KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind("region", "public", "region", "health", (_CENTER_FOR_IT, _HOSPITAL, _HR, _ECONOMY)),
        Kind(
            "municipality",
            "public",
            "municipality",
            "public_administration",
            (
                Division(
                    "Borgerservice",
                    "borgerservicechef",
                    (
                        _unit("Ydelser", "teamleder", "sagsbehandler, ydelsesrådgiver", "sagsbehandling"),
                        _unit("Pas og Kørekort", "teamleder", "borgerservicemedarbejder", "borgerservice"),
                    ),
                ),
                Division(
                    "Jobcenter",
                    "jobcenterchef",
                    (
                        _unit(
                            "Virksomhedsservice",
                            "afdelingsleder",
                            "virksomhedskonsulent, jobkonsulent",
                            "beskæftigelse",
                        ),
                        _unit("Ungeindsatsen", "afdelingsleder", "ungevejleder, socialrådgiver", "beskæftigelse"),
                    ),
                ),
                Division(
                    "Ældre og Sundhed",
                    "ældrechef",
                    (
                        _unit(
                            "Hjemmeplejen",
                            "leder af hjemmeplejen",
                            "social- og sundhedsassistent, sygeplejerske",
                            "sundhed",
                        ),
                        _unit("Plejecentre", "plejecenterleder", "social- og sundhedshjælper, ergoterapeut", "sundhed"),
                    ),
                ),
                Division(
                    "Digitalisering og IT",
                    "IT-chef",
                    (
                        _unit("IT-udvikling", "teamleder", "udviklingskonsulent, IT-konsulent", "digitalisering"),
                        _unit("Data", "teamleder", "dataanalytiker, udviklingskonsulent", "data og analyse"),
                    ),
                ),
                Division(
                    "Børn og Unge",
                    "børne- og ungechef",
                    (
                        _unit("Dagtilbud", "dagtilbudschef", "pædagog, pædagogisk konsulent", "pædagogik"),
                        _unit("Skoler", "skolechef", "lærer, skolekonsulent", "undervisning"),
                    ),
                ),
            ),
        ),
        Kind(
            "state",
            "public",
            "state",
            "public_administration",
            (
                Division(
                    "Digital Forvaltning",
                    "afdelingschef",
                    (
                        _unit(
                            "Arkitektur", "kontorchef", "fuldmægtig, specialkonsulent, IT-arkitekt", "digitalisering"
                        ),
                        _unit(
                            "Datadeling", "kontorchef", "fuldmægtig, chefkonsulent, dataanalytiker", "data og analyse"
                        ),
                    ),
                ),
                Division(
                    "Jura og Politik",
                    "afdelingschef",
                    (
                        _unit("Lovgivning", "kontorchef", "fuldmægtig, jurist", "jura"),
                        _unit("Analyse", "kontorchef", "specialkonsulent, økonom", "økonomi"),
                    ),
                ),
            ),
        ),
        Kind(
            "education",
            "public",
            "other",
            "education",
            (
                Division(
                    "Uddannelser",
                    "uddannelsesdirektør",
                    (
                        _unit("Sygeplejerskeuddannelsen", "uddannelsesleder", "lektor, adjunkt", "undervisning"),
                        _unit("Pædagoguddannelsen", "uddannelsesleder", "lektor, adjunkt", "undervisning"),
                    ),
                ),
                Division(
                    "Administration",
                    "administrationschef",
                    (
                        _unit(
                            "Studieservice", "studiechef", "studievejleder, administrativ medarbejder", "administration"
                        ),
                        _unit("IT og Digitalisering", "IT-chef", "IT-supporter, udviklingskonsulent", "digitalisering"),
                    ),
                ),
            ),
        ),
        Kind(
            "pharma",
            "private",
            "",
            "pharma",
            (
                Division(
                    "Research & Development",
                    "R&D-direktør",
                    (
                        _unit(
                            "Data Science",
                            "afdelingsleder",
                            "data scientist, biostatistiker, dataingeniør",
                            "data og analyse",
                        ),
                        _unit(
                            "Klinisk Udvikling",
                            "afdelingsleder",
                            "klinisk projektleder, klinisk forskningskoordinator, medicinsk rådgiver",
                            "life science",
                        ),
                        _unit("Laboratoriet", "laboratoriechef", "laborant, kemiker", "life science"),
                    ),
                ),
                Division(
                    "Produktion",
                    "produktionsdirektør",
                    (
                        _unit("Kvalitetssikring", "QA-chef", "QA-specialist, kvalitetskonsulent", "kvalitet"),
                        _unit("Fremstilling", "produktionschef", "procesoperatør, procesingeniør", "produktion"),
                    ),
                ),
                Division(
                    "Kommerciel",
                    "kommerciel direktør",
                    (_unit("Marketing", "marketingchef", "produktchef, marketingkonsulent", "marketing"),),
                ),
            ),
            ("Pharma", "Biotek", "Life Science", "Farma"),
        ),
        Kind(
            "finance",
            "private",
            "",
            "finance",
            (
                Division(
                    "Privatkunder",
                    "privatkundedirektør",
                    (
                        _unit("Rådgivning", "filialdirektør", "kunderådgiver, privatrådgiver", "finans"),
                        _unit("Boligfinansiering", "afdelingschef", "boligrådgiver, kreditmedarbejder", "finans"),
                    ),
                ),
                Division(
                    "Risiko og Compliance",
                    "risikodirektør",
                    (
                        _unit("Compliance", "compliancechef", "compliance officer, jurist", "jura"),
                        _unit("Kredit", "kreditchef", "kreditanalytiker, risikoanalytiker", "finans"),
                    ),
                ),
                Division(
                    "IT og Data",
                    "IT-direktør",
                    (
                        _unit("Udvikling", "udviklingschef", "softwareudvikler, IT-arkitekt", "softwareudvikling"),
                        _unit("Data", "datachef", "dataanalytiker, dataingeniør", "data og analyse"),
                    ),
                ),
            ),
            ("Bank", "Sparekasse", "Pension", "Finans"),
        ),
        Kind(
            "energy",
            "private",
            "",
            "energy",
            (
                Division(
                    "Net og Drift",
                    "driftsdirektør",
                    (
                        _unit("Elnet", "driftschef", "elinstallatør, netingeniør, tekniker", "energi"),
                        _unit("Fjernvarme", "driftschef", "maskinmester, driftstekniker", "energi"),
                    ),
                ),
                Division(
                    "Grøn Omstilling",
                    "omstillingsdirektør",
                    (
                        _unit(
                            "Vind og Sol", "afdelingsleder", "projektleder, ingeniør, energikonsulent", "projektledelse"
                        ),
                        _unit("Energirådgivning", "afdelingsleder", "energirådgiver, energikonsulent", "energi"),
                    ),
                ),
                Division(
                    "Kunder",
                    "kundedirektør",
                    (_unit("Kundeservice", "kundeservicechef", "kundeservicemedarbejder", "kundeservice"),),
                ),
            ),
            ("Energi", "Forsyning", "Vind", "Varme"),
        ),
        Kind(
            "it",
            "private",
            "",
            "it",
            (
                Division(
                    "Rådgivning",
                    "rådgivningsdirektør",
                    (
                        _unit(
                            "Digital Transformation",
                            "afdelingsleder",
                            "managementkonsulent, forretningsudvikler, projektleder",
                            "digitalisering",
                        ),
                        _unit(
                            "Offentlig Digitalisering",
                            "afdelingsleder",
                            "IT-konsulent, løsningsarkitekt",
                            "digitalisering",
                        ),
                    ),
                ),
                Division(
                    "Udvikling",
                    "teknologidirektør",
                    (
                        _unit(
                            "Softwareudvikling",
                            "udviklingschef",
                            "softwareudvikler, frontend-udvikler, tester",
                            "softwareudvikling",
                        ),
                        _unit("Cloud og Drift", "teamleder", "DevOps-ingeniør, cloudarkitekt", "IT-drift"),
                        _unit("Data og AI", "teamleder", "data scientist, dataingeniør", "data og analyse"),
                    ),
                ),
            ),
            ("IT", "Consulting", "Digital", "Data", "Software"),
        ),
        Kind(
            "retail",
            "private",
            "",
            "retail",
            (
                Division(
                    "Butikker",
                    "butiksdirektør",
                    (
                        _unit("Butiksdrift", "driftschef", "butiksassistent, salgsassistent", "salg"),
                        _unit("Kundeservice", "kundeservicechef", "kundeservicemedarbejder", "kundeservice"),
                    ),
                ),
                Division(
                    "Indkøb og Logistik",
                    "logistikdirektør",
                    (
                        _unit("Indkøb", "indkøbschef", "indkøber, kategorispecialist", "indkøb"),
                        _unit("Lager", "lagerchef", "lagermedarbejder, truckfører", "logistik"),
                    ),
                ),
                Division(
                    "E-handel",
                    "e-handelsdirektør",
                    (_unit("Webshop", "e-handelschef", "e-handelsspecialist, marketingkonsulent", "marketing"),),
                ),
            ),
            ("Supermarkeder", "Detail", "Handel", "Butikker"),
        ),
        Kind(
            "manufacturing",
            "private",
            "",
            "industry",
            (
                Division(
                    "Produktion",
                    "fabrikschef",
                    (
                        _unit("Montage", "produktionsleder", "operatør, industritekniker", "produktion"),
                        _unit("Vedligehold", "vedligeholdelseschef", "elektriker, smed", "produktion"),
                    ),
                ),
                Division(
                    "Udvikling og Salg",
                    "udviklingsdirektør",
                    (
                        _unit("Konstruktion", "udviklingschef", "maskiningeniør, konstruktør", "ingeniørarbejde"),
                        _unit("Eksport", "salgschef", "salgskonsulent, key account manager", "salg"),
                    ),
                ),
            ),
            ("Maskinfabrik", "Industri", "Stål", "Plast"),
        ),
        Kind(
            "transport",
            "private",
            "",
            "transport",
            (
                Division(
                    "Drift",
                    "driftsdirektør",
                    (
                        _unit("Terminal", "terminalchef", "lagermedarbejder, chauffør, disponent", "logistik"),
                        _unit("Planlægning", "planlægningschef", "disponent, logistikplanlægger", "logistik"),
                    ),
                ),
                Division("Kunder", "salgsdirektør", (_unit("Salg", "salgschef", "salgskonsulent", "salg"),)),
            ),
            ("Logistik", "Transport", "Fragt"),
        ),
        Kind(
            "media",
            "private",
            "",
            "media",
            (
                Division(
                    "Redaktionen",
                    "chefredaktør",
                    (
                        _unit("Nyheder", "nyhedschef", "journalist, redaktionssekretær", "kommunikation"),
                        _unit("Digital", "digital redaktør", "webredaktør, UX-designer", "kommunikation"),
                    ),
                ),
                Division(
                    "Kommerciel", "kommerciel direktør", (_unit("Annoncer", "salgschef", "mediekonsulent", "salg"),)
                ),
            ),
            ("Medier", "Kommunikation", "Forlag"),
        ),
        Kind(
            "construction",
            "private",
            "",
            "construction",
            (
                Division(
                    "Byggeri",
                    "byggedirektør",
                    (
                        _unit("Projekter", "projektchef", "byggeleder, ingeniør", "byggeri"),
                        _unit("Håndværk", "værkfører", "tømrer, murer", "byggeri"),
                    ),
                ),
                Division(
                    "Ejendomme",
                    "ejendomsdirektør",
                    (_unit("Udlejning", "udlejningschef", "ejendomsadministrator", "ejendomme"),),
                ),
            ),
            ("Byg", "Entreprise", "Ejendomme"),
        ),
        Kind(
            "nonprofit",
            "nonprofit",
            "",
            "nonprofit",
            (
                Division(
                    "Sekretariatet",
                    "sekretariatschef",
                    (
                        _unit(
                            "Jobklubben", "leder af jobklubben", "karriererådgiver, jobkonsulent", "karriererådgivning"
                        ),
                        _unit("Kommunikation", "kommunikationschef", "kommunikationsmedarbejder", "kommunikation"),
                        _unit("Frivillighed", "frivilligchef", "frivilligkoordinator", "frivillighed"),
                    ),
                ),
            ),
            ("Foreningen", "Netværket", "Fonden"),
            ("",),
        ),
        Kind("sole_trader", "private", "", "other", (), ("Rådgivning", "Konsulent", "Kommunikation"), ("",)),
    )
}

# How often each kind appears among the organisations generated beyond the fixed catalogue.
GENERATED_KIND_SHARES = {
    "municipality": 0.05,
    "state": 0.02,
    "education": 0.03,
    "pharma": 0.07,
    "finance": 0.08,
    "energy": 0.06,
    "it": 0.18,
    "retail": 0.14,
    "manufacturing": 0.11,
    "transport": 0.06,
    "media": 0.04,
    "construction": 0.07,
    "nonprofit": 0.04,
    "sole_trader": 0.05,
}

SOLE_TRADER_TITLE = "selvstændig konsulent"

STATE_TOPICS = (
    "Borgerdata",
    "Kyst- og Havdata",
    "Digital Velfærd",
    "Fælles Registre",
    "Grøn Infrastruktur",
    "Arbejdsmarkedsanalyse",
    "Offentlig Indkøbsdata",
    "Vandløb og Diger",
    "Borgernær Service",
    "Kulturarvsdata",
)
