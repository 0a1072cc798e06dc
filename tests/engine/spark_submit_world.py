"""A small planted screening world in a database of its own, for the spark-submit test's processes.

    python -m tests.engine.spark_submit_world seed TRUTH.json DUCKDB.json
    python -m tests.engine.spark_submit_world dump OUT.json

Runs in a subprocess with DATABASE_URL and LANTERN_LAKE_DIR set by the test: spark-submit's driver
is another process, so it cannot see pytest's test database; both processes see this one.
``seed`` migrates, files the orders, writes the lake, runs ``lantern screen`` (DuckDB) and dumps its
alerts, then forgets them and the screening record, so Spark screens the same lake from nothing.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path

FIRST_DAY = date(2026, 10, 19)
SINCE = "2026-10-18"


def seed(truth_path: Path, duckdb_path: Path) -> None:
    from django.core.management import call_command

    from lantern.demo.screening_world import build_world, write_reads

    call_command("migrate", verbosity=0)
    world = build_world(orders=30, cameras=50, zones=20, days=3, first_day=FIRST_DAY, seed=3)
    _file_orders(world)
    lake = Path(os.environ["LANTERN_LAKE_DIR"])
    truth = write_reads(world, lake, total=30_000, breaches=24, chunk_rows=5_000)
    (lake / "cameras.parquet").unlink()  # not a lake file: the cameras are in the store
    truth_path.write_text(json.dumps(truth))
    call_command("screen", "--since", SINCE, "--engine", "duckdb", stdout=sys.stderr, stderr=sys.stderr)
    dump(duckdb_path, reset=True)


def _file_orders(world) -> None:
    """Cameras and orders as an import or an analyst would file them (two zones and a vehicle
    notification listing the registered plates, which screening watches)."""
    from lantern.evidence.models import Camera
    from lantern.intel.services import Actor, person_record, source_ensure
    from lantern.orders.models import ConditionKind
    from lantern.orders.services import ConditionInput, order_create

    actor = Actor(via="tests")
    Camera.objects.bulk_create(
        [
            Camera(camera_id=r["camera_id"], latitude=r["latitude"], longitude=r["longitude"])
            for r in world.cameras.to_pylist()
        ]
    )
    source = source_ensure(code="spark-test", name="Spark test", kind="police", actor=actor)
    for data in world.orders:
        subject = person_record(
            source=source, record_id=data["subject_id"], family_name="Subject", actor=actor
        ).obj
        start = date.fromisoformat(data["in_force_from"])
        zones = [
            ConditionInput(
                z["condition"],
                ConditionKind.EXCLUSION_ZONE,
                "Not to enter.",
                {"name": z["name"], "geojson": z["geojson"], "windows": z["windows"]},
            )
            for z in data["zones"]
        ]
        vehicles = {"notify_within_days": 3, "vehicles": [{"vrm": v["vrm"]} for v in data["vehicles"]]}
        order_create(
            reference=data["reference"],
            order_type="SRO",
            subject=subject,
            applicant="Police",
            court="Court",
            made_on=start,
            effective_from=start,
            expires_on=None,
            conditions=[*zones, ConditionInput(9, ConditionKind.VEHICLE_NOTIFICATION, "Notify.", vehicles)],
            actor=actor,
        )


def dump(out: Path, reset: bool) -> None:
    from lantern.orders.models import BreachAlert, ScreenedFile, ScreenedOrder, ScreeningRun

    alerts = sorted(
        [
            a.order.reference,
            a.condition_number,
            a.kind,
            a.first_at.isoformat(),
            a.last_at.isoformat(),
            sorted([e.evidence_id, e.match, e.vrm] for e in a.evidence.all()),
        ]
        for a in BreachAlert.objects.select_related("order").prefetch_related("evidence")
    )
    runs = [[r.engine, r.status, r.files, r.reads] for r in ScreeningRun.objects.order_by("started_at")]
    out.write_text(json.dumps({"alerts": alerts, "runs": runs}))
    if reset:
        BreachAlert.objects.all().delete()  # their evidence goes with them
        ScreenedFile.objects.all().delete()
        ScreenedOrder.objects.all().delete()
        ScreeningRun.objects.all().delete()


def main(argv: list[str]) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.config.settings")
    django.setup()
    if argv[0] == "seed":
        seed(Path(argv[1]), Path(argv[2]))
    elif argv[0] == "dump":
        dump(Path(argv[1]), reset=False)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
