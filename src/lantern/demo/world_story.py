"""Case 1, the escalating customer: a dozen small reports by six women, then a Sexual Risk Order.

No single report is serious enough to act on and no woman gives a statement (he always paid);
the pattern only shows once the records are resolved to one man. Each source records him its own
way (nickname, typo, swapped date of birth, old address, different plate formats).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace as dc_replace
from datetime import date, timedelta

from lantern.demo.records import LinkRecord, OrderRecord, ZoneWindow
from lantern.demo.world_build import Builder, TruePerson, local_dt, ref
from lantern.demo.world_noise import format_phone
from lantern.demo.world_places import ZONE_NAME, zone_geojson
from lantern.demo.world_vocab import BEHAVIOURS, STREETS_ZONE

BEHAVIOUR_NAMES = {b["code"]: b["name"] for b in BEHAVIOURS}

SUBJECT_PLATES = ("AF10XKR", "AV18MRZ")  # first car, then the second from about 170 days before the anchor
WORKING_NAMES = ("Jade", "Chantelle", "Kelly", "Amber", "Tasha", "Leanne")


@dataclass(frozen=True)
class Episode:
    days_before: int  # before the anchor date
    hour: int  # local; 0-5 means the early hours after that evening
    source: str
    reporter: int  # index into the six women
    behaviours: tuple[str, ...]
    text: str
    record: dict  # how this source wrote him down (PersonRecord fields)
    vehicle: int | None = None  # which of his cars was mentioned


# The ladder climbs with one dip (episode 10), as real reporting does.
EPISODES: tuple[Episode, ...] = (
    Episode(
        290,
        22,
        "safety-scheme",
        0,
        ("verbal_abuse", "degrading_request"),
        "Punter calling himself Rob, silver Ford Focus. Paid, but kept calling her names and wanted "
        "her to kneel and call him sir.",
        {"given_names": "Rob", "description": "White male, 40s, stocky, shaved head, silver Focus"},
    ),
    Episode(
        270,
        23,
        "officer-intel",
        1,
        ("degrading_request",),
        "Spoke to a woman working on Lincoln Road. Says a man in a silver Focus AF10 XKR asked her to "
        "lick his boots. She refused; he paid and drove off. Will not make a statement.",
        {"description": "IC1 male approx 45, heavy build"},
        0,
    ),
    Episode(
        246,
        1,
        "safety-scheme",
        2,
        ("degrading_act",),
        "Man made her lick his boots in the car before he would pay. Bob, silver Focus.",
        {"given_names": "Bob", "age_min": 45, "age_max": 55, "vrm": "af10xkr"},
        0,
    ),
    Episode(
        226,
        21,
        "safety-scheme",
        0,
        ("degrading_act", "verbal_abuse"),
        "Same man as before (Rob). Boots again, swearing at her the whole time. Saw a letter on the "
        "dashboard addressed to R Ashdon.",
        {"given_names": "Rob", "family_name": "Ashdon", "vrm": "AF10 XKR"},
        0,
    ),
    Episode(
        206,
        0,
        "officer-intel",
        3,
        ("controlling_act",),
        "Woman on Burghley Road says a man called Robert took her phone and would not let her out of "
        "his car for about an hour. Silver Ford Focus AF10XKR. Declined to report it formally.",
        {"given_names": "Robert", "family_name": "Ashdown", "age_min": 45, "age_max": 50, "vrm": "AF10XKR"},
        0,
    ),
    Episode(
        184,
        22,
        "safety-scheme",
        4,
        ("controlling_act", "unwanted_contact"),
        "Grabbed her by the back of the neck and steered her where he wanted. Calls himself Robbie.",
        {"given_names": "Robbie", "description": "Same silver Focus man, 40s"},
    ),
    Episode(
        144,
        23,
        "safety-scheme",
        1,
        ("threat", "unwanted_contact"),
        "Bob Ashdown (now in a black Insignia) said he would teach her a lesson if she told anyone "
        "about him, pushed her against the car.",
        {"given_names": "Bob", "family_name": "Ashdown", "vrm": "av18mrz"},
        1,
    ),
    Episode(
        125,
        2,
        "police-rms",
        5,
        ("restraint", "injury", "assault_occasioning_abh"),
        "Female attended A&E with a fractured finger. States a client stamped on her hand to keep her "
        "on the ground. Named him as Robert Ashdown, black Vauxhall. Declined to support a prosecution.",
        {
            "given_names": "Robert",
            "family_name": "Ashdown",
            "use_dob": "swapped",
            "use_previous": True,
            "vrm": "AV18MRZ",
        },
        1,
    ),
    Episode(
        107,
        22,
        "officer-intel",
        2,
        ("restraint", "unwanted_contact"),
        "Woman says Rob Ashdown held her down in the back of his black Insignia until she did what he "
        "said. No injuries seen. No statement.",
        {"given_names": "Rob", "family_name": "Ashdown", "vrm": "AV18 MRZ"},
        1,
    ),
    Episode(
        88,
        1,
        "safety-scheme",
        3,
        ("hair_cutting_attempt", "restraint", "threat"),
        "Produced clippers, held her down and tried to shave her head. She got away. Black Insignia, "
        "the man who calls himself Rob.",
        {"given_names": "Rob", "description": "White male, 40s-50s, black Vauxhall Insignia"},
        1,
    ),
    Episode(
        81,
        23,
        "outreach-project",
        4,
        ("hair_cutting_attempt", "weapon", "threat"),
        "Client held scissors to her face and cut off a handful of her hair, saying he would 'mark' "
        "her. She knows him as Robert Ashdowne, gave his number.",
        {"given_names": "Robert", "family_name": "Ashdowne", "use_dob": "transposed", "use_phone": True},
    ),
)
STOP_CHECK_DAYS_BEFORE = 163  # the officer stop check that ties the nickname to a full identity


def build_escalating_subject(b: Builder) -> dict:
    """The man, his cars, the women's reports, a stop check and the order; returns truth parts."""
    rng = b.rng
    tp = b.true_person(
        gender="male", first="Robert", surname="Ashdown", dob=date(1979, 4, 12), street="Harrowby Close"
    )
    tp.extra["middle"] = "James"
    tp.phone = b.phone(mobile=True)
    tp.previous = (str(rng.randint(1, 90)), "Lindhurst Walk", b.places.pick(rng, "outside", "PE2"))
    cars = [
        b.vehicle(b.reserve_plate(SUBJECT_PLATES[0]), "Ford", "Focus", "Silver"),
        b.vehicle(b.reserve_plate(SUBJECT_PLATES[1]), "Vauxhall", "Insignia", "Black"),
    ]
    women = [_street_worker(b, name) for name in WORKING_NAMES]
    event_keys = [_episode(b, tp, ep, women, cars) for ep in EPISODES]
    event_keys.append(_stop_check(b, tp, cars[1]))
    when = {e.key: e.occurred_from for e in b.world.events}
    event_keys.sort(key=when.__getitem__)
    order = _order(b, tp, cars)
    event_keys += _link_chronology(b, tp, order, event_keys)
    return {
        "true_id": tp.true_id,
        "vehicles": cars,
        "plates": list(SUBJECT_PLATES),
        "events": event_keys,
        "reporters": [w.true_id for w in women],
        "order": order.key,
    }


def _street_worker(b: Builder, working_name: str) -> TruePerson:
    """A woman selling sex on the street, known to the scheme by a working name only."""
    tp = b.true_person(gender="female", age=(19, 42))
    tp.extra["working_name"] = working_name
    scheme = b.person(
        tp,
        "safety-scheme",
        given_names=working_name,
        family_name="",
        date_of_birth=None,
        address="",
        postcode="",
        phone="",
        vrm="",
        email="",
        age_min=b.anchor.year - tp.dob.year - 3,
        age_max=b.anchor.year - tp.dob.year + 3,
    )
    outreach = b.person(tp, "outreach-project", aliases=(working_name,), vrm="", email="")
    tp.extra["records"] = {"safety-scheme": scheme, "outreach-project": outreach}
    return tp


def _episode(b: Builder, tp: TruePerson, ep: Episode, women: list[TruePerson], cars: list[str]) -> str:
    rng = b.rng
    day = b.anchor - timedelta(days=ep.days_before + rng.randint(-3, 3))
    when = local_dt(day + timedelta(days=1 if ep.hour < 6 else 0), ep.hour, rng.randrange(60))
    street = rng.choice(STREETS_ZONE[:4])
    place = b.places.pick(rng, "zone")
    subject = _subject_record(b, tp, ep)
    woman = women[ep.reporter]
    if ep.source == "safety-scheme":  # the scheme knows her by her working name only
        woman_key, who = woman.extra["records"]["safety-scheme"], woman.extra["working_name"]
    else:  # whoever took the account recorded her too
        woman_key = b.person(woman, ep.source, aliases=(woman.extra["working_name"],), vrm="", email="")
        who = f"{woman.first} {woman.surname} ('{woman.extra['working_name']}')"
    links = [
        LinkRecord("subject", ref("person", subject)),
        LinkRecord("reporter", ref("person", woman_key)),
        LinkRecord("person_at_risk", ref("person", woman_key)),
    ]
    if ep.vehicle is not None:
        links.append(LinkRecord("vehicle_used", ref("vehicle", cars[ep.vehicle])))
    grading = _grading(ep.source)
    return b.event(
        "incident" if ep.source == "police-rms" else "report",
        ep.source,
        when,
        location=b.location(street, place, kind="street"),
        text=ep.text,
        sanitised_text=_sanitise(ep),
        source_details=f"{who}, via {ep.source}",
        behaviours=ep.behaviours,
        links=tuple(links),
        **grading,
    )


def _subject_record(b: Builder, tp: TruePerson, ep: Episode) -> str:
    spec = dict(ep.record)
    dob = {
        "swapped": tp.dob.replace(day=tp.dob.month, month=tp.dob.day),
        "transposed": tp.dob.replace(year=1997),
    }
    use_dob, use_prev, use_phone = (
        spec.pop("use_dob", None),
        spec.pop("use_previous", False),
        spec.pop("use_phone", False),
    )
    fields = {
        "given_names": "",
        "family_name": "",
        "date_of_birth": dob.get(use_dob),
        "gender": "male",
        "address": "",
        "postcode": "",
        "phone": "",
        "vrm": "",
        "email": "",
    }
    if use_prev and tp.previous:
        fields.update(address=f"{tp.previous[0]} {tp.previous[1]}", postcode=tp.previous[2].postcode)
    if use_phone:
        fields["phone"] = format_phone(b.rng, tp.phone)
    fields.update(spec)
    return b.person(tp, ep.source, **fields)


def _stop_check(b: Builder, tp: TruePerson, car: str) -> str:
    """Officers stop his new car in the zone late at night and record him in full."""
    day = b.anchor - timedelta(days=STOP_CHECK_DAYS_BEFORE)
    record = b.person(
        tp,
        "officer-intel",
        noisy=False,
        given_names="Robert James",
        family_name="ASHDOWN",
        phone=format_phone(b.rng, tp.phone),
        vrm="AV18 MRZ",
        address=f"{tp.house} {tp.street}",
        postcode=tp.place.postcode,
        email="",
    )
    place = b.places.pick(b.rng, "zone")
    return b.event(
        "sighting",
        "officer-intel",
        local_dt(day, 23, 40),
        location=b.location("Burghley Road", place, kind="street"),
        text="Stop check of black Vauxhall Insignia AV18 MRZ, Burghley Road, 23:40. Driver ASHDOWN Robert "
        "James, says he was 'just driving round'. Known locally to street workers as Rob.",
        sighting_source="officer",
        confidence=1.0,
        links=(LinkRecord("subject", ref("person", record)), LinkRecord("vehicle_used", ref("vehicle", car))),
    )


def _order(b: Builder, tp: TruePerson, cars: list[str]) -> OrderRecord:
    made = b.anchor - timedelta(days=60)
    record = b.person(
        tp,
        "police-rms",
        noisy=False,
        given_names="Robert James",
        family_name="Ashdown",
        address=f"{tp.house} {tp.street}",
        postcode=tp.place.postcode,
        phone=format_phone(b.rng, tp.phone),
        vrm="AV18 MRZ",
        email="",
    )
    for car, start in zip(cars, (400, 170), strict=True):
        b.rel(
            "uses_vehicle",
            ref("person", record),
            ref("vehicle", car),
            "police-rms",
            start=b.anchor - timedelta(days=start),
        )
    b.rel("lives_at", ref("person", record), ref("location", b.home(tp)), "police-rms")
    order = OrderRecord(
        key=b.key("ord"),
        order_type="SRO",
        subject=record,
        court="Peterborough Magistrates' Court",
        applicant="Cambridgeshire Constabulary",
        made_on=made,
        effective_from=made,
        expires_on=replace_year(made, made.year + 2),
        zone_name=ZONE_NAME,
        zone_geojson=zone_geojson(),
        windows=(ZoneWindow("19:00", "07:00"),),
        registered_vehicles=tuple(cars),
        notify_within_days=3,
    )
    b.world.orders.append(order)
    return order


def _link_chronology(b: Builder, tp: TruePerson, order: OrderRecord, event_keys: list[str]) -> list[str]:
    """The order application: an analyst linked every report to his nominal record, then he was served.

    Real records systems hold such confirmed links; resolution must still find the unlinked records.
    """
    nominal = LinkRecord("subject", ref("person", order.subject))
    chronology = set(event_keys)
    b.world.events[:] = [
        dc_replace(e, links=(*e.links, nominal)) if e.key in chronology else e for e in b.world.events
    ]
    served = b.event(
        "visit",
        "police-rms",
        local_dt(order.made_on, 16, 30),
        location=b.home(tp),
        text="Sexual Risk Order served on him in person at his home address; conditions explained.",
        visit_type="premises",
        outcome="Order served and explained; he said he understood it.",
        links=(nominal,),
    )
    return [served]


def _grading(source: str) -> dict:
    """3x5x2 grading as each source would typically be graded."""
    by_source = {
        "safety-scheme": ("sex_worker", "2", "B", "C"),
        "outreach-project": ("partner", "2", "B", "C"),
        "officer-intel": ("officer", "1", "B", "P"),
        "police-rms": ("officer", "1", "A", "P"),
    }
    source_type, evaluation, assessment, handling = by_source[source]
    return {
        "source_type": source_type,
        "source_evaluation": evaluation,
        "intelligence_assessment": assessment,
        "handling_code": handling,
    }


def _sanitise(ep: Episode) -> str:
    """What may be shared onward: what happened, never who said it."""
    names = ", ".join(BEHAVIOUR_NAMES[code].lower() for code in ep.behaviours)
    return (
        "Intelligence indicates that a male known as ROB has subjected a woman selling sex in the PE1 "
        f"area to: {names}."
    )


def replace_year(d: date, year: int) -> date:
    try:
        return d.replace(year=year)
    except ValueError:
        return d.replace(year=year, day=28)
