"""The load world's Django steps, run in a child process with DATABASE_URL set (see load_world.py).

python benchmarks/load_django.py reference   # gazetteer, vocabulary, sources, benchmark users
python benchmarks/load_django.py work        # orders, breach alerts and tasks for the queues
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_world import PASSWORD, USERS

ORDERS = 1_000  # on the hot people: the alert queue and person pages with orders
ALERTS = 20_000
TASKS = 5_000


def reference() -> None:
    from lantern.demo.world_places import default_gazetteer_path
    from lantern.demo.world_vocab import BEHAVIOURS
    from lantern.governance.services import user_create_or_reset
    from lantern.intel.importers import import_postcodes
    from lantern.intel.models import Source
    from lantern.intel.services import Actor, behaviour_vocabulary_load

    print(import_postcodes(Path(default_gazetteer_path()), via="load test"))
    behaviour_vocabulary_load(BEHAVIOURS, version="demo-1", actor=Actor(via="load test"))
    for code, kind in (("load-police", "police"), ("load-public", "public"), ("load-anpr", "anpr")):
        Source.objects.get_or_create(code=code, defaults={"name": code, "kind": kind})
    for role, username in USERS.items():
        user_create_or_reset(username=username, role=role, password=PASSWORD, via="load test")


def work() -> None:
    """Orders on the first 1,000 (hot) people, alerts against them, tasks owned by the users."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from lantern.intel.models import Person
    from lantern.orders.models import BreachAlert, Order
    from lantern.safeguarding.models import Task

    today = timezone.localdate()
    now = timezone.now()
    people = list(
        Person.objects.filter(source_record_id__in=[f"P{i}" for i in range(1, ORDERS + 1)]).values_list(
            "pk", flat=True
        )
    )
    orders = Order.objects.bulk_create(
        Order(
            reference=f"LOAD/{i:05d}",
            order_type="SRO",
            subject_id=pk,
            applicant="Cambridgeshire Constabulary",
            court="Peterborough Magistrates' Court",
            made_on=today - timedelta(days=400),
            effective_from=today - timedelta(days=400),
            expires_on=today + timedelta(days=300 + i % 400),
        )
        for i, pk in enumerate(people)
    )
    statuses = ["new", "under_review", "actioned", "dismissed"]
    BreachAlert.objects.bulk_create(
        (
            BreachAlert(
                order=orders[i % len(orders)],
                condition_number=1,
                condition_version=1,
                kind="zone",
                status=statuses[i % 4],
                first_at=now - timedelta(minutes=37 * i),
                last_at=now - timedelta(minutes=37 * i - 5),
                evidence_count=2,
                confidence=0.9,
                explanation="Seen in the exclusion zone during its hours.",
            )
            for i in range(ALERTS)
        ),
        batch_size=5_000,
    )
    owners = list(get_user_model().objects.filter(username__in=USERS.values()))
    Task.objects.bulk_create(
        (
            Task(
                kind="welfare_visit",
                subject_id=people[i % len(people)],
                title="Welfare visit",
                owner=owners[i % len(owners)],
                due_on=today + timedelta(days=i % 60 - 20),
                status="open" if i % 3 else "done",
            )
            for i in range(TASKS)
        ),
        batch_size=5_000,
    )
    print(f"{len(orders)} orders, {ALERTS} alerts, {TASKS} tasks")


if __name__ == "__main__":
    import django

    django.setup()
    {"reference": reference, "work": work}[sys.argv[1]]()
