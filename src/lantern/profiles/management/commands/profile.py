"""`lantern profile --area AREA --from DATE --to DATE --out FILE.pdf|FILE.html`: a problem profile
as a file, built as the system (no record on an access list is included), and audited."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lantern.console import progress_bar
from lantern.engine.areas import AreaError
from lantern.engine.picture import Period
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.picture.areas import resolve_area
from lantern.profiles.pdf import PdfUnavailable
from lantern.profiles.problem import build_problem_profile
from lantern.profiles.render import render_html, render_pdf


class Command(BaseCommand):
    help = "Write a problem profile of an area and period as PDF or HTML."

    def add_arguments(self, parser):
        parser.add_argument(
            "--area",
            default="all",
            help='"all" (default), a postcode district such as PE1, or a saved area id',
        )
        parser.add_argument("--from", dest="first", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="last", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--out", type=Path, required=True, help="FILE.pdf or FILE.html")
        parser.add_argument("--title", default="", help='default: "Problem profile: <area>"')

    def handle(self, *args, **options):
        out: Path = options["out"]
        if out.suffix.lower() not in (".pdf", ".html", ".htm"):
            raise CommandError(f"{out}: give a file ending in .pdf or .html.")
        if not out.parent.is_dir():
            raise CommandError(f"{out.parent}: no such folder; create it first.")
        period = _period(options["first"], options["last"])
        try:
            area = resolve_area(options["area"])
        except AreaError as exc:
            raise CommandError(str(exc)) from None
        started = time.perf_counter()
        with progress_bar("Profile", 3) as advance:
            data = build_problem_profile(user=None, area=area, period=period, title=options["title"])
            advance(2)
            try:
                if out.suffix.lower() == ".pdf":
                    out.write_bytes(render_pdf(data))
                else:
                    out.write_text(render_html(data), encoding="utf-8")
            except PdfUnavailable as exc:
                raise CommandError(str(exc)) from None
            advance(1)
        audit_record(
            user=None,
            action=AuditAction.EXPORT,
            object_type="problem_profile",
            summary=f"{data.title}: {area.name}, {period.first_day} to {period.last_day}, to {out.name}",
            path="lantern profile",
        )
        self.stdout.write(f"{data.title} written to {out} in {time.perf_counter() - started:.1f} s.")


def _period(first: str, last: str) -> Period:
    try:
        start, end = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        raise CommandError(f"dates must be YYYY-MM-DD (got --from {first!r} --to {last!r}).") from None
    try:
        return Period.of_days(start, end)
    except ValueError as exc:
        raise CommandError(f"{exc} Swap --from and --to.") from None
