"""Run in a separate process against a fresh database (the consumer kill test): cameras, five orders
each with a registered plate and an all-day zone, and a feed source. Prints the feed source's id."""

from __future__ import annotations

from datetime import date

ORDERS = 5
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-0.25, 52.58], [-0.24, 52.58], [-0.24, 52.59], [-0.25, 52.59], [-0.25, 52.58]]],
}


def plate(k: int) -> str:
    return f"KL{k}0ABC"


def seed() -> int:
    from lantern.evidence.services import camera_ensure
    from lantern.intel.services import Actor, person_record, source_ensure
    from lantern.orders.live.feeds import feed_add
    from lantern.orders.models import ConditionKind
    from lantern.orders.services import ConditionInput, order_create

    actor = Actor(via="kill test seed")
    camera_ensure(camera_id="LIVE-IN", latitude=52.585, longitude=-0.245, actor=actor)
    camera_ensure(camera_id="LIVE-OUT", latitude=52.60, longitude=-0.245, actor=actor)
    source = source_ensure(code="kill-test", name="Kill test", kind="police", actor=actor)
    for k in range(ORDERS):
        subject = person_record(
            source=source, record_id=f"S{k}", given_names="Test", family_name=f"Subject{k}"
        ).obj
        zone = {"name": "Kill test zone", "geojson": SQUARE, "windows": []}
        vehicles = {"notify_within_days": 3, "vehicles": [{"vrm": plate(k), "registered_from": "2026-03-01"}]}
        order_create(
            reference=f"KILL/{k}",
            order_type="SRO",
            subject=subject,
            applicant="Police",
            court="Court",
            made_on=date(2026, 3, 1),
            effective_from=date(2026, 3, 1),
            expires_on=None,
            conditions=[
                ConditionInput(1, ConditionKind.EXCLUSION_ZONE, "Not to enter the zone.", zone),
                ConditionInput(2, ConditionKind.VEHICLE_NOTIFICATION, "Notify vehicles.", vehicles),
            ],
            actor=actor,
        )
    return feed_add(name="kill-feed", actor=actor)[0].pk


if __name__ == "__main__":
    import django

    django.setup()
    print(seed())
