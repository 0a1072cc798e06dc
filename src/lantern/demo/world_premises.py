"""Case 2, the hidden premises: two men, four addresses, eight women moved between them.

The picture only forms when scattered reports are joined: neighbours' reports of callers at all
hours, a council complaint about a short let, adverts sharing one phone, a welfare visit, a car
seen dropping women off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from lantern.demo.records import LinkRecord
from lantern.demo.world_build import Builder, TruePerson, local_dt, ref
from lantern.demo.world_noise import format_phone, format_plate

ADVERT_NAMES = ("Lily", "Bella", "Sasha", "Nikki", "Ruby", "Roxy", "Mia", "Candy")
WOMEN_FIRST = ("Ioana", "Elena", "Daria", "Agnieszka", "Monika", "Chloe", "Paige", "Amira")


@dataclass(frozen=True)
class Premises:
    line1: str
    prefix: str  # postcode sector to place it in
    short_let: bool = False


PREMISES = (
    Premises("Flat 2, 118 Kestrel Row", "PE1 2"),  # invented streets (world_vocab.STREETS_INVENTED)
    Premises("41 Tolby Court", "PE1 3"),
    Premises("9 Wrenfield Mews", "PE3 6"),
    Premises("Apartment 6, 3 Riverside Mead", "PE2 9", short_let=True),
)

PUBLIC_TEXTS = (
    "Lots of people calling at the address, day and night.",
    "Men coming and going at all hours, most only stay 20 minutes or so.",
    "The curtains are always drawn and we never see the young women who live there go out on their own.",
    "Different young women every few weeks, they arrive with suitcases in a silver Prius late at night.",
    "Taxis dropping men off at 2 or 3 in the morning, every night this week.",
    "A man collects the women in a car and they never seem to have keys of their own.",
)


@dataclass
class Ring:
    """The cast of case 2, as record keys."""

    dean: TruePerson
    dean_rec: str
    kyle_rec: str
    premises: list[str]
    phones: list[str]
    car: str
    van: str
    women: list[TruePerson] = field(default_factory=list)


def build_controller(b: Builder) -> dict:
    """The controllers, premises, women, adverts and the reports about them; returns truth parts."""
    rng = b.rng
    dean = b.true_person(gender="male", age=(30, 45), street="Copperfield Rise", previous=None)
    kyle = b.true_person(gender="male", age=(24, 38), street="Lindhurst Walk", previous=None)
    dean.phone, kyle.phone = b.phone(), b.phone()
    dean_rec, kyle_rec = b.person(dean, "police-rms"), b.person(kyle, "police-rms")
    premises = [b.location(p.line1, b.places.pick(rng, "city", p.prefix)) for p in PREMISES]
    phones = [b.phone_record(dean.phone), b.phone_record(kyle.phone)]
    car, van = _vehicles(b, dean_rec, kyle_rec)
    ring = Ring(dean, dean_rec, kyle_rec, premises, phones, car, van)
    b.rel("associate", ref("person", dean_rec), ref("person", kyle_rec), "officer-intel")
    b.rel("uses_phone", ref("person", dean_rec), ref("phone", phones[0]), "officer-intel")
    b.rel("uses_phone", ref("person", kyle_rec), ref("phone", phones[1]), "officer-intel")
    b.rel("lives_at", ref("person", dean_rec), ref("location", b.home(dean)), "police-rms")
    for loc in premises:
        b.rel(
            "controls",
            ref("person", dean_rec),
            ref("location", loc),
            "officer-intel",
            start=b.anchor - timedelta(days=rng.randint(200, 260)),
        )
    ring.women = [_woman(b, i, ring) for i in range(len(WOMEN_FIRST))]
    _public_reports(b, ring)
    _agency_reports(b, ring)
    return {
        "controllers": [dean.true_id, kyle.true_id],
        "premises": premises,
        "women": [w.true_id for w in ring.women],
        "phones": phones,
        "vehicles": [car, van],
        "adverts": [w.extra["advert"] for w in ring.women],
    }


def _vehicles(b: Builder, dean_rec: str, kyle_rec: str) -> tuple[str, str]:
    car = b.vehicle(b.plate(), "Toyota", "Prius", "Silver")
    van = b.vehicle(b.plate(), "Ford", "Transit Custom", "Grey")
    start = b.anchor - timedelta(days=240)
    b.rel("uses_vehicle", ref("person", dean_rec), ref("vehicle", car), "officer-intel", start=start)
    b.rel("uses_vehicle", ref("person", kyle_rec), ref("vehicle", car), "officer-intel", start=start)
    b.rel("uses_vehicle", ref("person", kyle_rec), ref("vehicle", van), "police-rms", start=start)
    return car, van


def _woman(b: Builder, i: int, ring: Ring) -> TruePerson:
    rng = b.rng
    tp = b.true_person(
        gender="female", age=(18, 32), first=WOMEN_FIRST[i], phone=None, plate=None, email=None
    )
    police = b.person(tp, "police-rms", vrm="", email="")
    if i % 2 == 0:  # the outreach project met about half of them
        b.person(
            tp,
            "outreach-project",
            family_name="",
            date_of_birth=None,
            address="",
            postcode="",
            age_min=b.anchor.year - tp.dob.year - 2,
            age_max=b.anchor.year - tp.dob.year + 3,
        )
    handle = f"{ADVERT_NAMES[i].lower()}_{rng.choice(('new', 'pe1', 'vip', 'xx'))}{rng.randint(1, 99)}"
    advert = b.identity("adultlistings", handle, f"https://listings.example.invalid/peterborough/{handle}")
    tp.extra.update(advert=advert, police_record=police)
    # five adverts show Dean's number, three Kyle's: one phone behind several adverts
    b.rel(
        "uses_phone", ref("identity", advert), ref("phone", ring.phones[0 if i < 5 else 1]), "officer-intel"
    )
    b.rel("advertises", ref("identity", advert), ref("person", police), "officer-intel")
    start = b.anchor - timedelta(days=rng.randint(150, 230))
    b.rel("controls", ref("person", ring.dean_rec), ref("person", police), "officer-intel", start=start)
    for stay, (begin, end) in enumerate(_stays(b, start)):
        loc = ring.premises[(i + stay) % len(ring.premises)]  # moved round the premises
        b.rel("lives_at", ref("person", police), ref("location", loc), "officer-intel", start=begin, end=end)
    return tp


def _stays(b: Builder, start: date) -> list[tuple[date, date | None]]:
    """Two or three consecutive stays of some weeks each; the last one is still current."""
    stays, begin = [], start
    for _ in range(b.rng.randint(2, 3)):
        end = begin + timedelta(days=b.rng.randint(25, 60))
        stays.append((begin, end))
        begin = end
        if begin >= b.anchor - timedelta(days=10):
            break
    stays[-1] = (stays[-1][0], None)
    return stays


def _public_reports(b: Builder, ring: Ring) -> None:
    rng = b.rng
    for i, loc in enumerate(ring.premises):
        for j in range(rng.randint(3, 5)):
            day = b.anchor - timedelta(days=rng.randint(20, 200))
            reporter = b.person(b.true_person(), "public-reports", date_of_birth=None, vrm="")
            b.event(
                "report",
                "public-reports",
                local_dt(day, rng.randint(8, 22), rng.randrange(60)),
                location=loc,
                text=PUBLIC_TEXTS[(i + j) % len(PUBLIC_TEXTS)],  # between them, every sign is reported
                source_type="public",
                sanitised_text="Information received about frequent short visits to a residential address.",
                source_details="Member of the public, neighbour",
                source_evaluation="2",
                intelligence_assessment=rng.choice("BC"),
                handling_code="P",
                links=(
                    LinkRecord("reporter", ref("person", reporter)),
                    LinkRecord("premises", ref("location", loc)),
                ),
            )


def _agency_reports(b: Builder, ring: Ring) -> None:
    rng, premises = b.rng, ring.premises
    vrm = {v.key: v.vrm for v in b.world.vehicles}
    b.event(
        "report",
        "council",
        local_dt(b.anchor - timedelta(days=45), 10),
        location=premises[3],
        text="Complaints about the flat: booked by the week through a letting site under different names, "
        "men visiting through the night, bins full of condoms and takeaway boxes.",
        source_type="partner",
        sanitised_text="Partner information about a short-let flat.",
        source_details="Council licensing officer",
        source_evaluation="1",
        intelligence_assessment="B",
        handling_code="C",
        links=(LinkRecord("premises", ref("location", premises[3])),),
    )
    b.event(
        "sighting",
        "officer-intel",
        local_dt(b.anchor - timedelta(days=33), 2, 10),
        location=premises[1],
        text=f"Silver Prius {vrm[ring.car]} dropped two young women and a suitcase at the address at 02:10. "
        "Driver believed to be Kyle.",
        sighting_source="officer",
        confidence=0.8,
        links=(
            LinkRecord("vehicle_used", ref("vehicle", ring.car)),
            LinkRecord("subject", ref("person", ring.kyle_rec)),
        ),
    )
    b.event(
        "visit",
        "police-rms",
        local_dt(b.anchor - timedelta(days=21), 14),
        location=premises[0],
        visit_type="welfare",
        text="Welfare visit following neighbour reports.",
        outcome="Three women present, limited English, appeared scared; phones ringing constantly. One said "
        "'Dean' keeps their passports. All declined support today; NRM discussed.",
        links=(
            *(LinkRecord("person_at_risk", ref("person", w.extra["police_record"])) for w in ring.women[:3]),
            LinkRecord("premises", ref("location", premises[0])),
        ),
    )
    b.event(
        "report",
        "officer-intel",
        local_dt(b.anchor - timedelta(days=15), 11),
        text=f"Eight adverts on an adult listings site, five showing {format_phone(rng, ring.dean.phone)}; "
        "photos in three show the same bedroom.",
        source_type="officer",
        sanitised_text="Open-source research links several adverts to one phone.",
        source_details="Force internet investigations",
        source_evaluation="1",
        intelligence_assessment="A",
        handling_code="P",
        links=(LinkRecord("phone_used", ref("phone", ring.phones[0])),),
    )
    b.event(
        "report",
        "outreach-project",
        local_dt(b.anchor - timedelta(days=9), 16),
        location=premises[2],
        text="Woman met on outreach said she cannot leave the flat and that her ID is held by 'Dean'. "
        f"A grey van ({format_plate(rng, vrm[ring.van].replace(' ', '').upper())}) moves them "
        "between addresses.",
        source_type="partner",
        sanitised_text="A woman at risk reports her ID is held by another person.",
        source_details="Outreach worker",
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code="C",
        links=(
            LinkRecord("person_at_risk", ref("person", ring.women[4].extra["police_record"])),
            LinkRecord("vehicle_used", ref("vehicle", ring.van)),
        ),
    )
