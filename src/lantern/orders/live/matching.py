"""The live matcher for the store as it is now, kept current without a restart.

Each batch first reads the newest ``RulesChange`` (one indexed query): a change to an order,
its conditions, its subject's linked vehicles or the camera sites rebuilds the rules of just those
orders (or reloads the cameras) and recompiles. Writes the signals cannot see (bulk imports, event
links made in bulk) are caught by a full rebuild after an import finishes and every
``LANTERN_LIVE_RULES_REFRESH_S`` seconds. Every order ever in force is kept (not drafts), so a
read arriving hours late is matched against the conditions of its own time.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from lantern.engine.screening.live import LiveMatcher
from lantern.engine.screening.rules import compile_rules
from lantern.intake.models import ImportKind, ImportRun
from lantern.orders.live.models import RulesChange
from lantern.orders.snapshot import cameras_table, linked_vrms_of, order_rules, screened_orders

IMPORT_CHECK_S = 10  # how often to ask whether such an import finished
# Imports that can change what is watched (an imported read or fix changes nothing).
RULE_IMPORTS = (
    ImportKind.PERSONS,
    ImportKind.VEHICLES,
    ImportKind.REPORTS,
    ImportKind.CAMERAS,
    ImportKind.ORDERS,
)


class CurrentRules:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: dict[str, dict] = {}  # order id -> the engine's rules (snapshot.order_rules)
        self._cameras = None
        self._head: tuple = (0, None)  # (id, time) of the newest RulesChange applied
        self._built_at: datetime | None = None  # wall clock of the last full build
        self._built_mono = 0.0
        self._imports_checked = 0.0
        self._matcher: LiveMatcher | None = None
        self.rebuilds = 0  # full builds and patches, for tests and the consumer's log

    def matcher(self) -> LiveMatcher:
        with self._lock:
            head = RulesChange.objects.order_by("-id").values_list("id", "at").first() or (0, None)
            if self._matcher is None or self._stale():
                self._full()
            elif head != self._head and self._continues(head):
                self._patch()
            elif head != self._head:
                self._full()
            return self._matcher

    def reset(self) -> None:
        with self._lock:
            self._matcher = None

    def _continues(self, head: tuple) -> bool:
        """The log has only grown since it was last read (it cannot shrink or be rewritten, but a
        restored backup or a test's rolled-back transaction can make it look that way)."""
        if head[0] < self._head[0]:
            return False
        return self._head[0] == 0 or RulesChange.objects.filter(id=self._head[0], at=self._head[1]).exists()

    def _stale(self) -> bool:
        now = time.monotonic()
        if now - self._built_mono > settings.LANTERN_LIVE_RULES_REFRESH_S:
            return True
        if now - self._imports_checked < IMPORT_CHECK_S:
            return False
        self._imports_checked = now
        return ImportRun.objects.filter(kind__in=RULE_IMPORTS, finished_at__gte=self._built_at).exists()

    def _full(self) -> None:
        # The change log's head is read first: a change committed during the build is applied again.
        self._head = RulesChange.objects.order_by("-id").values_list("id", "at").first() or (0, None)
        self._built_at, self._built_mono = timezone.now(), time.monotonic()
        orders = list(screened_orders())
        linked = linked_vrms_of([o.subject_id for o in orders])
        self._rules = {str(o.pk): order_rules(o, linked.get(o.subject_id, [])) for o in orders}
        self._cameras = cameras_table()
        self._compile()

    def _patch(self) -> None:
        changes = list(
            RulesChange.objects.filter(id__gt=self._head[0])
            .order_by("id")
            .values_list("id", "what", "order_id", "at")
        )
        if not changes:
            return
        self._head = (changes[-1][0], changes[-1][3])
        order_ids = {str(c[2]) for c in changes if c[1] == RulesChange.What.ORDER and c[2]}
        if order_ids:
            orders = list(screened_orders().filter(pk__in=order_ids))
            linked = linked_vrms_of([o.subject_id for o in orders])
            for key in order_ids:
                self._rules.pop(key, None)  # deleted, or back to draft
            self._rules.update({str(o.pk): order_rules(o, linked.get(o.subject_id, [])) for o in orders})
        if any(c[1] == RulesChange.What.CAMERAS for c in changes):
            self._cameras = cameras_table()
        self._compile()

    def _compile(self) -> None:
        ordered = sorted(self._rules.values(), key=lambda r: r["reference"])
        self._matcher = LiveMatcher(compile_rules(ordered), self._cameras)
        self.rebuilds += 1


CURRENT = CurrentRules()
