"""Premises signs: each is earned by its own evidence, streets are not premises, households are not rings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from lantern.engine.risk import RiskInputs, default_config, empty_inputs, score_all

AS_OF = datetime(2026, 10, 31, 23, tzinfo=UTC)


def _report(event_id: str, location: str, text: str, kind: str = "report", days: int = 30) -> dict:
    return {
        "event_id": event_id,
        "kind": kind,
        "occurred_at": AS_OF - timedelta(days=days),
        "grade": "",
        "summary": "",
        "source_type": "public",
        "text": text,
        "location": location,
        "latitude": 52.57,
        "longitude": -0.24,
    }


def _inputs(events=(), stays=(), controls=(), places=(), people=()) -> RiskInputs:
    base = empty_inputs()
    return RiskInputs(
        vocabulary=base.vocabulary,
        events=list(events),
        event_behaviours=base.event_behaviours,
        event_links=base.event_links,
        stays=list(stays),
        controls=list(controls),
        advert_phones=base.advert_phones,
        places=list(places),
        people=list(people),
    )


def _scores(inputs: RiskInputs) -> dict[str, dict]:
    return {p["location"]: p for p in score_all(inputs, default_config(), AS_OF).premises}


def test_a_ring_outranks_a_busy_childminder_and_a_street_is_never_premises():
    d0 = date(2026, 3, 1)
    ring = [f"ring{i}" for i in range(3)]
    events = [
        _report(f"r{i}{j}", loc, "Men coming and going at all hours")
        for i, loc in enumerate(ring)
        for j in range(3)
    ]
    events += [
        _report(f"c{j}", "childminder", "Lots of people calling at the address every morning")
        for j in range(3)
    ]
    events += [
        _report(f"s{j}", "street", "Men coming and going at all hours, short visits") for j in range(5)
    ]
    events.append(_report("v1", "ring0", "Welfare visit. Women scared, passports held by him.", kind="visit"))
    stays, people, controls = [], [], []
    for w in range(4):
        person = f"w{w}"
        people.append({"person": person, "female": True})
        controls.append({"controller": "dean", "target": person})
        for k in range(3):
            start = d0 + timedelta(days=40 * k)
            stays.append(
                {
                    "person": person,
                    "location": ring[(w + k) % 3],
                    "start": start,
                    "end": None if k == 2 else start + timedelta(days=40),
                }
            )
    places = [{"location": loc, "kind": "residence"} for loc in (*ring, "childminder")]
    places.append({"location": "street", "kind": "street"})
    scores = _scores(_inputs(events, stays, controls, places, people))
    assert "street" not in scores
    assert scores["childminder"]["score"] == 20 and not scores["childminder"]["high_risk"]
    assert all(scores[loc]["high_risk"] for loc in ring)
    assert scores["ring0"]["indicators"]["visit_concerns"]["points"] > 0
    assert scores["ring0"]["indicators"]["shared_controller"]["points"] > 0
    assert "moved between this and another address" in scores["ring1"]["explanation"]
    assert scores["ring0"]["rank"] == 1


def test_two_women_at_a_home_are_not_a_sign_but_four_are():
    people = [{"person": f"p{i}", "female": True} for i in range(6)]
    stays = [{"person": f"p{i}", "location": "home", "start": None, "end": None} for i in range(2)]
    stays += [{"person": f"p{i}", "location": "flat", "start": None, "end": None} for i in range(2, 6)]
    places = [{"location": "home", "kind": "residence"}, {"location": "flat", "kind": "residence"}]
    scores = _scores(_inputs(stays=stays, places=places, people=people))
    assert "home" not in scores
    assert scores["flat"]["indicators"]["several_women"]["value"] == 1.0


def test_no_data_gives_no_rows_and_no_error():
    result = score_all(empty_inputs(), default_config(), AS_OF)
    assert result.subjects == [] and result.premises == [] and result.people == []
    assert result.hotspots["cells"] == []
