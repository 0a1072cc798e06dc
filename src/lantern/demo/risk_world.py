"""The demo world as the risk engine's inputs, without the store (for benchmarks and engine tests).

``resolved=True`` keys every person record by its true person (as a perfect resolution would);
``False`` keys each record on its own, as an unresolved store would.
"""

from __future__ import annotations

from lantern.demo.records import World
from lantern.demo.world_vocab import BEHAVIOURS
from lantern.engine.risk.inputs import RiskInputs


def world_risk_inputs(world: World, *, resolved: bool = True) -> RiskInputs:
    truth = world.truth.get("persons", {})

    def key(ref) -> str:
        if ref.kind == "person" and resolved:
            return truth.get(ref.key, ref.key)
        return ref.key

    events, behaviours, links = [], [], []
    located = {loc.key: loc for loc in world.locations}
    for e in world.events:
        ids = [e.key] + ([f"{e.key}/incident"] if e.kind == "report" and e.behaviours else [])
        for event_id in ids:
            kind = "incident" if event_id.endswith("/incident") else e.kind
            place = located.get(e.location) if e.location else None
            events.append(
                {
                    "event_id": event_id,
                    "kind": kind,
                    "occurred_at": e.occurred_from,
                    "grade": _grade(e),
                    "summary": e.text[:300],
                    "source_type": e.source_type,
                    "text": f"{e.text} {e.outcome}".strip(),
                    "location": e.location,
                    "latitude": place.latitude if place else None,
                    "longitude": place.longitude if place else None,
                }
            )
            if kind == "incident":
                behaviours += [{"event_id": event_id, "code": code} for code in e.behaviours]
            links += [
                {"event_id": event_id, "entity": key(link.entity), "role": link.role} for link in e.links
            ]
    stays, controls, uses_phone, advertises = [], [], {}, {}
    for r in world.relationships:
        if r.kind in ("lives_at", "works_at"):
            stays.append({"person": key(r.a), "location": r.b.key, "start": r.start, "end": r.end})
        elif r.kind == "controls":
            controls.append({"controller": key(r.a), "target": key(r.b)})
        elif r.kind == "uses_phone" and r.a.kind == "identity":
            uses_phone[r.a.key] = r.b.key
        elif r.kind == "advertises":
            advertises[r.a.key] = key(r.b)
    adverts = [{"phone": uses_phone[i], "person": p} for i, p in advertises.items() if i in uses_phone]
    female = {}
    for p in world.persons:
        k = truth.get(p.key, p.key) if resolved else p.key
        female[k] = female.get(k, False) or p.gender == "female"
    return RiskInputs(
        vocabulary=[
            {
                "code": b["code"],
                "name": b["name"],
                "category": b["category"],
                "severity": b["severity"],
                "harm_days": b["harm_days"],
            }
            for b in BEHAVIOURS
        ],
        events=events,
        event_behaviours=behaviours,
        event_links=links,
        stays=stays,
        controls=controls,
        advert_phones=adverts,
        places=[{"location": loc.key, "kind": loc.kind} for loc in world.locations],
        people=[{"person": k, "female": v} for k, v in female.items()],
    )


def _grade(e) -> str:
    graded = f"{e.source_evaluation}{e.intelligence_assessment}{e.handling_code}"
    return f"graded {graded}" if graded else f"{e.source} record"
