"""Background events, and red herrings that look a little like the two cases but are not."""

from __future__ import annotations

from datetime import timedelta

from lantern.demo.records import LinkRecord
from lantern.demo.world_build import Builder, local_dt, ref
from lantern.demo.world_people import Resident
from lantern.demo.world_vocab import STREETS_CITY, STREETS_ZONE

_PUBLIC = (
    "Youths gathering and drinking in the alleyway most evenings.",
    "Car parked across my drive again, same vehicle every week.",
    "Suspect drug dealing from a car in the car park, short meetings through the window.",
    "Loud music and shouting from the house until the early hours.",
    "Fly-tipping at the back of the shops.",
    "Man acting suspiciously trying car door handles.",
)
_INCIDENTS = (
    (("theft",), "Shoplifting from a convenience store; suspect left on foot."),
    (("criminal_damage",), "Wing mirror of a parked car smashed overnight."),
    (("common_assault", "unwanted_contact"), "Push and shove outside a pub at closing time."),
    (("harassment", "verbal_abuse"), "Neighbour dispute: repeated abusive messages."),
    (("threat", "verbal_abuse"), "Road-rage argument; threats made, no injuries."),
)
# Busy but innocent addresses: the reports sound like case 2 and are not (false positives).
_HERRINGS = (
    ("childminder", "Lots of people calling at the address every morning and afternoon."),
    ("student house share", "Men coming and going at all hours, music late at night."),
    ("home hairdresser", "Steady stream of women visiting the house during the day, curtains drawn."),
)


def build_noise_events(b: Builder, residents: list[Resident], count: int) -> None:
    kinds = (_public_report, _incident, _sighting, _visit)
    weights = (0.32, 0.33, 0.25, 0.10)
    for _ in range(count):
        b.rng.choices(kinds, weights=weights)[0](b, residents)


def build_red_herrings(b: Builder, residents: list[Resident]) -> dict:
    """Busy innocent addresses, and other men each reported once or twice without escalating."""
    busy = []
    for label, text in _HERRINGS:
        host = b.rng.choice(residents).person
        loc = b.home(host)
        busy.append(loc)
        for _ in range(b.rng.randint(2, 3)):
            b.event(
                "report",
                "public-reports",
                _when(b),
                location=loc,
                text=text,
                source_type="public",
                sanitised_text="Information received about frequent visitors to a residential address.",
                source_details=f"Neighbour (address is a {label})",
                source_evaluation="2",
                intelligence_assessment="C",
                handling_code="P",
                links=(LinkRecord("premises", ref("location", loc)),),
            )
    others = [_other_man(b) for _ in range(6)]
    return {"busy_innocent_premises": busy, "other_reported_men": others}


def _other_man(b: Builder) -> str:
    rng = b.rng
    tp = b.true_person(gender="male", age=(25, 70))
    behaviours = rng.choice(
        (
            ("verbal_abuse",),
            ("degrading_request",),
            ("controlling_act",),
            ("verbal_abuse", "unwanted_contact"),
        )
    )
    for _ in range(rng.randint(1, 2)):
        rec = b.person(
            tp, "safety-scheme", family_name="", date_of_birth=None, address="", postcode="", email=""
        )
        b.event(
            "report",
            "safety-scheme",
            _when(b, night=True),
            location=b.location(rng.choice(STREETS_ZONE), b.places.pick(rng, "zone"), kind="street"),
            text=f"Client called {tp.first}: {', '.join(behaviours).replace('_', ' ')}.",
            source_type="sex_worker",
            sanitised_text="Information about a client's behaviour towards a sex worker.",
            source_details="Via the safety scheme app",
            source_evaluation="2",
            intelligence_assessment="C",
            handling_code="C",
            behaviours=behaviours,
            links=(LinkRecord("subject", ref("person", rec)),),
        )
    return tp.true_id


def _when(b: Builder, night: bool = False):
    day = b.anchor - timedelta(days=b.rng.randint(0, 364))
    hour = b.rng.choice((20, 21, 22, 23, 0, 1)) if night else b.rng.randint(7, 23)
    return local_dt(day, hour, b.rng.randrange(60))


def _place_of(b: Builder, residents: list[Resident]) -> str:
    if b.rng.random() < 0.7:
        return b.home(b.rng.choice(residents).person)
    in_zone = b.rng.random() < 0.15
    street = b.rng.choice(STREETS_ZONE if in_zone else STREETS_CITY)
    return b.location(street, b.places.pick(b.rng, "zone" if in_zone else "outside"), kind="street")


def _public_report(b: Builder, residents: list[Resident]) -> None:
    reporter = b.rng.choice(residents).records[0]
    b.event(
        "report",
        "public-reports",
        _when(b),
        location=_place_of(b, residents),
        text=b.rng.choice(_PUBLIC),
        source_type="public",
        sanitised_text="Information received from the public.",
        source_details="Member of the public",
        source_evaluation="2",
        intelligence_assessment=b.rng.choice("BCD"),
        handling_code="P",
        links=(LinkRecord("reporter", ref("person", reporter)),),
    )


def _incident(b: Builder, residents: list[Resident]) -> None:
    behaviours, text = b.rng.choice(_INCIDENTS)
    suspect, victim = b.rng.sample(residents, 2)
    b.event(
        "incident",
        "police-rms",
        _when(b),
        location=_place_of(b, residents),
        text=text,
        behaviours=behaviours,
        links=(
            LinkRecord("subject", ref("person", suspect.records[0])),
            LinkRecord("victim", ref("person", victim.records[-1])),
        ),
    )


def _sighting(b: Builder, residents: list[Resident]) -> None:
    who = b.rng.choice(residents)
    links = [LinkRecord("subject", ref("person", who.records[0]))]
    if "vehicle" in who.person.extra:
        links.append(LinkRecord("vehicle_used", ref("vehicle", who.person.extra["vehicle"])))
    b.event(
        "sighting",
        "officer-intel",
        _when(b),
        location=_place_of(b, residents),
        text="Seen by patrol.",
        sighting_source="officer",
        confidence=round(b.rng.uniform(0.5, 1.0), 2),
        links=tuple(links),
    )


def _visit(b: Builder, residents: list[Resident]) -> None:
    who = b.rng.choice(residents)
    b.event(
        "visit",
        "police-rms",
        _when(b),
        location=b.home(who.person),
        visit_type="welfare",
        outcome=b.rng.choice(("No concerns.", "No reply; card left.", "Advice given.")),
        text="Welfare check requested by family.",
        links=(LinkRecord("person_at_risk", ref("person", who.records[0])),),
    )
