"""`lantern demo`: migrate, build the synthetic Peterborough, run the analyses, create users, serve."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from lantern.console import progress_bar
from lantern.context.importer import import_police_uk
from lantern.demo import analyses
from lantern.demo.lake import write_reads
from lantern.demo.load import WorldLoader
from lantern.demo.police_uk import write_archive
from lantern.demo.world import ANCHOR, build_world, write_persons_parquet, write_truth
from lantern.demo.world_places import default_gazetteer_path
from lantern.demo.world_vocab import BEHAVIOURS
from lantern.governance.roles import Role
from lantern.governance.services import user_create_or_reset
from lantern.governance.two_factor import demo_authenticator, needs_second_factor
from lantern.intake.bulk.cli import import_bulk_file
from lantern.intake.bulk.runner import ImportFailed as BulkImportFailed
from lantern.intake.bulk.runner import ImportRequest
from lantern.intake.inputs import SafetyReportInput
from lantern.intake.services.partners import member_add, organisation_ensure
from lantern.intake.services.submissions import safety_report_submit
from lantern.intel.importers import ImportFailed, import_postcodes
from lantern.intel.services import Actor, behaviour_vocabulary_load

DEMO_USERS = {role.value: f"demo-{role.value}" for role in Role}
# The demo's crowd file is dated, not stamped with today, so a rebuilt demo files identical provenance.
DEMO_AS_AT = datetime(2026, 10, 31, tzinfo=UTC)


class Command(BaseCommand):
    help = "Build the Peterborough demo world in the store and the lake, then serve Lantern."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="the world's random seed (default 1)")
        parser.add_argument("--scale", choices=["small", "medium", "large"], default="small")
        parser.add_argument("--no-serve", action="store_true", help="build only; do not start the server")
        parser.add_argument(
            "--addr", default="127.0.0.1:8000", help="where to serve (default 127.0.0.1:8000)"
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        actor = Actor(via=f"lantern demo --seed {options['seed']} --scale {options['scale']}")
        self.stdout.write("Migrating the database...")
        call_command("migrate", interactive=False, verbosity=0)
        self._gazetteer()
        behaviour_vocabulary_load(BEHAVIOURS, version="demo-1", actor=actor)
        world = build_world(seed=options["seed"], scale=options["scale"])
        summary = self._load(world, actor)
        lake = self._lake(world, options["seed"])
        truth_path = settings.VAR_DIR / "demo" / "truth.json"
        write_truth(world, truth_path)
        self._bulk_persons(options["seed"], options["scale"])
        self._police_uk(options["seed"])
        for line in analyses.run_all():
            self.stdout.write(line)
        self.stdout.write(
            f"Demo world (seed {options['seed']}, {options['scale']}): {summary.created} new or updated, "
            f"{summary.unchanged} already there, {len(summary.problems)} problems; {lake}; "
            f"ground truth in {truth_path}; {time.perf_counter() - started:.1f} s."
        )
        for problem in summary.problems[:20]:
            self.stderr.write(f"  problem: {problem}")
        self._users()
        if not options["no_serve"]:
            self._serve(options["addr"])

    def _serve(self, addr: str) -> None:
        """The development server, with a `lantern worker` beside it for jobs started from the pages."""
        worker = subprocess.Popen([sys.executable, "-m", "lantern.cli", "worker"])
        self.stdout.write(f"Serving at http://{addr}/ with a background worker (Ctrl+C to stop).")
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=30)

    def _gazetteer(self) -> None:
        path = default_gazetteer_path()
        if not Path(path).is_file():
            raise CommandError(
                f"The postcode file {path} is missing: set LANTERN_POSTCODES_FILE to its path."
            )
        try:
            self.stdout.write(import_postcodes(Path(path), via="lantern demo"))
        except ImportFailed as exc:
            raise CommandError(str(exc)) from None

    def _load(self, world, actor):
        loader = WorldLoader(world, actor=actor)
        with progress_bar("Filing the demo world", loader.total_items()) as advance:
            loader.progress = lambda stage, n: advance(n)
            return loader.load()

    def _lake(self, world, seed: int) -> str:
        self.stdout.write("Writing a month of ANPR reads to the lake...")
        result = write_reads(world, settings.LAKE_DIR, seed=seed)
        return f"{result.rows:,} ANPR reads in {settings.LAKE_DIR}"

    def _bulk_persons(self, seed: int, scale: str) -> None:
        """The world's crowd of further person records: a Parquet file, imported as an analyst would."""
        path = settings.VAR_DIR / "demo" / "persons.parquet"
        rows = write_persons_parquet(seed, scale, path)
        self.stdout.write(f"{rows:,} further person records (the {scale} world's crowd) written to {path}.")
        request = ImportRequest(kind="persons", path=path, via="lantern demo", as_at=DEMO_AS_AT)
        try:
            self.stdout.write(import_bulk_file(request, f"Import {path.name}"))
        except BulkImportFailed as exc:
            raise CommandError(str(exc)) from None

    def _police_uk(self, seed: int) -> None:
        """A year of open street-level crime for Peterborough, as the data.police.uk archive holds it."""
        path = settings.VAR_DIR / "demo" / "police-uk.zip"
        written = write_archive(path, seed=seed, anchor=ANCHOR)
        self.stdout.write(
            f"{written.rows:,} data.police.uk rows over {written.months} months written to {path}."
        )
        try:
            self.stdout.write(import_police_uk(path, via="lantern demo"))
        except ImportFailed as exc:
            raise CommandError(str(exc)) from None

    def _partner_project(self, caseworker) -> None:
        """The demo partner works for a support project that has had two safety reports (once only)."""
        project = organisation_ensure(code="pboro-project", name="Peterborough sex-worker support project")
        member_add(user=caseworker, organisation=project)
        if project.submissions.exists():
            return
        for shared, vrm in ((True, "AF10 XKR"), (False, "")):
            data = SafetyReportInput(
                incident_type="threats" if shared else "payment",
                occurred_at=datetime(2026, 10, 24, 23, 10, tzinfo=UTC),
                account="Drove round the block twice, then shouted at me from the car.",
                share_with_police=shared,
                warn_others=True,
                area="PE1",
                person_description="White man, 40s, grey hoodie",
                vrm=vrm,
            )
            safety_report_submit(data=data, organisation=project, actor=Actor(via="lantern demo"))

    def _users(self) -> None:
        self.stdout.write(
            "\nSign in at http://127.0.0.1:8000/ with one of these (passwords are new each run):"
        )
        for role, username in DEMO_USERS.items():
            user, password, _ = user_create_or_reset(username=username, role=role, via="lantern demo")
            key = demo_authenticator(user) if needs_second_factor(user) else ""
            self.stdout.write(f"  {role:<14} {username:<20} {password}  {key}".rstrip())
            if role == Role.PARTNER:
                self._partner_project(user)
        self.stdout.write(
            "Staff sign in with a code too: add the key shown to an authenticator app, or run "
            "`lantern demo_code USERNAME` for the current code.\n"
            "Create real accounts with `lantern createuser NAME --role ROLE`."
        )
