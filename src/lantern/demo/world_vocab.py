"""Fixed vocabularies of the demo world: behaviour ladder, names, streets, vehicles, sources."""

from __future__ import annotations

from lantern.demo.records import SourceRecord

# Behaviour severity ladder (1..10) beside offence harm weights in Cambridge Crime Harm Index style
# days (the sentencing guideline's starting-point custody). The numbers are ILLUSTRATIVE and meant
# to be configurable: a deployment loads its own ladder and weights; the engine must not hard-code
# these. Non-criminal behaviour has harm_days 0, which is why a severity ladder is needed at all.
BEHAVIOURS: list[dict] = [
    {"code": "verbal_abuse", "name": "Verbal abuse", "category": "behaviour", "severity": 1, "harm_days": 0},
    {
        "code": "degrading_request",
        "name": "Degrading request",
        "category": "behaviour",
        "severity": 2,
        "harm_days": 0,
    },
    {
        "code": "degrading_act",
        "name": "Degrading act",
        "category": "behaviour",
        "severity": 3,
        "harm_days": 0,
    },
    {
        "code": "controlling_act",
        "name": "Controlling act",
        "category": "behaviour",
        "severity": 4,
        "harm_days": 0,
    },
    {
        "code": "unwanted_contact",
        "name": "Unwanted physical contact",
        "category": "behaviour",
        "severity": 5,
        "harm_days": 0,
    },
    {"code": "threat", "name": "Threat", "category": "behaviour", "severity": 6, "harm_days": 0},
    {"code": "restraint", "name": "Restraint", "category": "behaviour", "severity": 7, "harm_days": 0},
    {"code": "injury", "name": "Injury caused", "category": "behaviour", "severity": 8, "harm_days": 0},
    {
        "code": "hair_cutting_attempt",
        "name": "Attempt to cut or shave hair",
        "category": "behaviour",
        "severity": 9,
        "harm_days": 0,
    },
    {"code": "weapon", "name": "Weapon produced", "category": "behaviour", "severity": 10, "harm_days": 0},
    # Offences: severity is None (they are weighted by harm_days instead).
    {"code": "harassment", "name": "Harassment", "category": "offence", "severity": None, "harm_days": 10},
    {
        "code": "common_assault",
        "name": "Common assault",
        "category": "offence",
        "severity": None,
        "harm_days": 10,
    },
    {
        "code": "assault_occasioning_abh",
        "name": "Assault occasioning actual bodily harm",
        "category": "offence",
        "severity": None,
        "harm_days": 365,
    },
    {
        "code": "sexual_assault",
        "name": "Sexual assault",
        "category": "offence",
        "severity": None,
        "harm_days": 365,
    },
    {
        "code": "controlling_prostitution",
        "name": "Controlling prostitution for gain",
        "category": "offence",
        "severity": None,
        "harm_days": 365,
    },
    {
        "code": "trafficking",
        "name": "Human trafficking (sexual exploitation)",
        "category": "offence",
        "severity": None,
        "harm_days": 2190,
    },
    {
        "code": "criminal_damage",
        "name": "Criminal damage",
        "category": "offence",
        "severity": None,
        "harm_days": 1,
    },
    {"code": "theft", "name": "Theft", "category": "offence", "severity": None, "harm_days": 1},
]
BEHAVIOUR_CODES = {b["code"] for b in BEHAVIOURS}
SEVERITY = {b["code"]: b["severity"] for b in BEHAVIOURS if b["severity"] is not None}

SOURCES: list[SourceRecord] = [
    SourceRecord("police-rms", "Police records management system extract", "police"),
    SourceRecord("officer-intel", "Officer intelligence logs", "officer"),
    SourceRecord("public-reports", "Public reports (online form and 101)", "public"),
    SourceRecord("safety-scheme", "Sex-worker safety scheme (Ugly Mugs style) partner", "partner"),
    SourceRecord("outreach-project", "Sex-worker outreach and support project", "partner"),
    SourceRecord("council", "City council: licensing and anti-social behaviour team", "partner"),
    SourceRecord("anpr", "ANPR camera network", "anpr"),
]


def _words(text: str) -> list[str]:
    return text.split()


MALE_FIRST = _words(
    "James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew "
    "Anthony Mark Paul Steven Andrew Kenneth Joshua Kevin Brian George Timothy Edward Jason Jeffrey "
    "Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Benjamin Samuel Gregory "
    "Alexander Patrick Frank Raymond Jack Dennis Peter Tyler Aaron Adam Nathan Henry Zachary Douglas "
    "Harry Oliver Noah Charlie Leo Oscar Alfie Freddie Archie Lewis Callum Liam Connor Kyle Dean "
    "Lee Craig Wayne Darren Shaun Martin Neil Ian Simon Carl Stuart Graham Colin Keith Barry Trevor "
    "Tomasz Piotr Marek Andrei Mohammed Imran Tariq Arjun Ravi Kwame Tunde"
)
FEMALE_FIRST = _words(
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty "
    "Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie "
    "Rebecca Sharon Laura Cynthia Kathleen Amy Angela Helen Anna Brenda Pamela Emma Nicola Samantha "
    "Katherine Christine Rachel Catherine Victoria Olivia Amelia Isla Ava Mia Ivy Lily Grace Sophie "
    "Chloe Jade Kelly Leanne Gemma Natalie Hayley Charlotte Lauren Zoe Danielle Stacey Kirsty Abbie "
    "Megan Holly Shannon Paige Courtney Chantelle Tasha Amber Jodie Kayleigh Tanya Agnieszka Monika "
    "Ioana Elena Daria Aisha Fatima Priya Amira Grace Joy"
)
SURNAMES = _words(
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker "
    "White Roberts Green Hall Wood Jackson Clarke Patel Khan Lewis James Phillips Mason Mitchell Rose "
    "Davis Rodriguez Cox Alexander Morgan Hughes Edwards Hill Moore Clark Harris Scott Young Turner "
    "King Cooper Baker Allen Ward Harrison Morris Watson Carter Martin Anderson Parker Bennett Price "
    "Bailey Bell Shaw Cook Richardson Collins Murphy Stewart Simpson Marshall Ellis Chapman Webb Gray "
    "Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Dixon "
    "Fletcher Pearson Hunt Graham Kelly Reynolds Foster Gibson Wells Hamilton Griffiths Matthews "
    "Lawrence Ross Saunders Fox Spencer Chambers Rees Dawson Atkinson Kowalski Nowak Popescu Ionescu "
    "Ahmed Hussain Begum Singh Okafor Mensah Whitmore Pickering Sutton Garner Haywood Thorpe Crowther "
    "Lomax Beckett Pryce Hargreaves Wragg Tilley Burrows Goodwin Haines Lindley"
)

# Forms people are recorded under; keys are the formal name.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "William": ("Bill", "Will", "Billy"),
    "Robert": ("Bob", "Rob", "Robbie", "Bobby"),
    "Elizabeth": ("Liz", "Beth", "Lizzie", "Betty"),
    "Richard": ("Rich", "Dick", "Richie"),
    "James": ("Jim", "Jimmy", "Jamie"),
    "Michael": ("Mike", "Mick", "Mikey"),
    "Thomas": ("Tom", "Tommy"),
    "Christopher": ("Chris",),
    "Daniel": ("Dan", "Danny"),
    "Anthony": ("Tony", "Ant"),
    "Stephen": ("Steve",),
    "Steven": ("Steve",),
    "Matthew": ("Matt",),
    "Joseph": ("Joe",),
    "Edward": ("Ed", "Eddie", "Ted"),
    "Alexander": ("Alex",),
    "Samuel": ("Sam",),
    "Nicholas": ("Nick",),
    "Jonathan": ("Jon",),
    "Kenneth": ("Ken", "Kenny"),
    "Margaret": ("Maggie", "Peggy"),
    "Katherine": ("Kate", "Kathy"),
    "Catherine": ("Cath", "Cathy", "Kate"),
    "Jennifer": ("Jen", "Jenny"),
    "Victoria": ("Vicky", "Tori"),
    "Rebecca": ("Becky", "Becca"),
    "Samantha": ("Sam", "Sammy"),
    "Patricia": ("Pat", "Trish"),
    "Deborah": ("Debbie", "Deb"),
    "Susan": ("Sue", "Suzy"),
    "Nicola": ("Nicky",),
    "Christine": ("Chris", "Chrissie"),
    "Danielle": ("Dani",),
    "Natalie": ("Nat",),
    "Charlotte": ("Charlie", "Lottie"),
}

STREETS_ZONE = (
    "Burghley Road",
    "Park Road",
    "Lincoln Road",
    "Gladstone Street",
    "Cromwell Road",
    "Bright Street",
    "Alexandra Road",
    "Percival Street",
    "Harris Street",
    "Keeton Road",
)
STREETS_CITY = (
    "Taverners Road",
    "Mayors Walk",
    "Thorpe Road",
    "Oundle Road",
    "London Road",
    "Eastfield Road",
    "Dogsthorpe Road",
    "Fulbridge Road",
    "Crowland Road",
    "Welland Road",
    "Westwood Park Road",
    "Bretton Way",
    "Hodgson Avenue",
    "Reeves Way",
    "Paston Ridings",
    "Eye Road",
    "Newark Avenue",
    "Belsize Avenue",
    "Fletton Avenue",
    "Orton Longueville Road",
    "Hampton Vale Avenue",
    "Stanground Road",
    "Woodston Road",
    "Saxon Road",
    "Vere Road",
    "Padholme Road",
    "Hurn Road",
    "Church Street",
    "High Street",
    "Station Road",
    "Victoria Road",
    "Princes Street",
    "St Pauls Road",
    "Exeter Road",
    "Craig Street",
    "Russell Street",
    "Granby Street",
    "Star Road",
    "Broadway",
    "Lime Tree Avenue",
)

# Invented street names for the addresses the story labels (premises, the men's homes), so no real
# house is ever tied to exploitation in the demo; postcodes stay real for the map.
STREETS_INVENTED = (
    "Kestrel Row",
    "Tolby Court",
    "Wrenfield Mews",
    "Riverside Mead",
    "Harrowby Close",
    "Lindhurst Walk",
    "Copperfield Rise",
)

VEHICLES: tuple[tuple[str, str], ...] = (
    ("Ford", "Focus"),
    ("Ford", "Fiesta"),
    ("Vauxhall", "Corsa"),
    ("Vauxhall", "Astra"),
    ("Vauxhall", "Insignia"),
    ("Volkswagen", "Golf"),
    ("Volkswagen", "Polo"),
    ("Toyota", "Prius"),
    ("Toyota", "Yaris"),
    ("Nissan", "Qashqai"),
    ("BMW", "3 Series"),
    ("Audi", "A3"),
    ("Mercedes-Benz", "C-Class"),
    ("Kia", "Sportage"),
    ("Hyundai", "Tucson"),
    ("Skoda", "Octavia"),
    ("Peugeot", "208"),
    ("Ford", "Transit Custom"),
)
COLOURS = ("Silver", "Black", "White", "Grey", "Blue", "Red", "Green")
EMAIL_DOMAINS = ("example.com", "example.org")


# The bulk crowd's long tail of names. A real person index holds tens of thousands of surnames,
# and the common ones cover only a part of it (in England and Wales the 130 commonest cover about a
# fifth of people). With only the lists above, a million records would put twenty different people
# under every forename and surname pair, which no index has. The tail is made, deterministically,
# from the pieces English surnames are built of (place and trade words and their endings) and, for
# forenames, from the canonical names of the `nicknames` dataset, which also gives their nicknames.
_SURNAME_STEMS = _words(
    "Ash Ald Ams Ark Bar Bark Bed Bel Bent Birch Black Brad Bram Brent Brom Brook Buck Burn Cal Cart "
    "Chad Chap Chest Clif Cold Cot Crab Cran Dal Dar Den Dod Dun Ead Elm Earn Fair Farn Fel Fen Field "
    "Fox Gar Gil Glad Good Gran Green Ham Hard Hart Hay Heath Hol Horn Hun Kel Ken Kirk Lang Lath Lea "
    "Lind Lock Long Mar Mead Mel Mill Mor Nor Oak Ock Pen Pick Pres Rad Rain Red Rid Roth Rush Sal "
    "Sand Shel Sher Stan Stock Stan Sum Swin Thorn Thur Tod Wad Wal War Wel West Whit Wick Win Wood Wor"
)
_SURNAME_ENDINGS = _words(
    "by combe croft dale den don field ford gate ham hurst ington land ley lock low man mere more "
    "ridge shaw stead ston thorpe ton well wick win worth"
)
SURNAME_TAIL = sorted(
    {stem + ending for stem in _SURNAME_STEMS for ending in _SURNAME_ENDINGS if not stem.endswith(ending[:1])}
)


def first_name_tail(known: set[str]) -> list[str]:
    """Canonical forenames of the `nicknames` dataset that the lists above do not hold."""
    from nicknames import NickNamer

    names = {name for group in NickNamer().canonical_lookup.values() for name in group}
    return sorted(n.capitalize() for n in names if n.isalpha() and len(n) > 2 and n.capitalize() not in known)
