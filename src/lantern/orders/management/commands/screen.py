"""`lantern screen [--since DATE] [--until DATE] [--engine duckdb|spark]`: find potential breaches."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError

from lantern.engine.screening.conditions import SpecError
from lantern.intel.services import Actor
from lantern.orders.screening import Period, screen

LONDON = ZoneInfo("Europe/London")


def _moment(text: str, name: str) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--{name} {text!r}: give a date (2026-10-25) or a date and time with an offset."
        ) from None
    if value.tzinfo is None:
        if value.time() != time(0):
            raise CommandError(
                f"--{name} {text!r}: a time needs its UTC offset, e.g. 2026-10-25T19:00+01:00."
            )
        value = value.replace(tzinfo=LONDON)  # a bare date is the start of that local day
    return value


class Command(BaseCommand):
    help = "Screen ANPR reads, GPS fixes and sightings against every order's conditions; file alerts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", default="", help="rescreen evidence from this date (local midnight) or time"
        )
        parser.add_argument("--until", default="", help="... up to (not including) this date or time")
        parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")

    def handle(self, *args, **options):
        period = Period(_moment(options["since"], "since"), _moment(options["until"], "until"))
        if period.since and period.until and period.until <= period.since:
            raise CommandError("--until must be after --since.")
        try:
            run = screen(
                period=period,
                engine=options["engine"],
                actor=Actor(via="lantern screen"),
                say=lambda text: self.stderr.write(text),
            )
        except SpecError as exc:
            raise CommandError(f"An order's conditions cannot be screened: {exc}") from None
        unknown = ", ".join(f"{c} ({n})" for c, n in sorted(run.unknown_cameras.items())[:10])
        self.stdout.write(
            f"Screened {run.files} file(s): {run.reads:,} reads, {run.fixes:,} GPS fixes; "
            f"{run.candidates:,} candidate reads, {run.hits:,} hits; {run.alerts_new} new alert(s), "
            f"{run.alerts_updated} updated, in {run.seconds:.1f} s ({run.engine})."
        )
        if unknown:
            self.stdout.write(
                f"Reads of watched plates at unknown cameras could not be placed: {unknown}. "
                "Import the cameras (`lantern import cameras FILE`), then run `lantern screen --since DATE`."
            )
