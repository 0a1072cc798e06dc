"""`lantern import orders FILE.json`: orders from another system, in the format of docs/formats.md.

Each order is checked and filed on its own: a bad order (unknown subject, a zone that crosses
itself, a window without a time) is quarantined with its position and reason, and the rest are
filed. Importing the same file again files nothing twice (an order is keyed by its reference).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from lantern.engine.lake_ingest import Quarantined
from lantern.evidence.importers import import_run_finish, import_run_start
from lantern.intake.models import ImportKind
from lantern.intel.importers import ImportFailed
from lantern.intel.models import Person
from lantern.intel.services import Actor, StoreError
from lantern.orders.services import ConditionInput, order_create

MAX_BYTES = 50 * 1024 * 1024
CONDITION_KEYS = ("number", "kind", "wording")


def import_orders(path: Path, *, via: str = "", user=None) -> str:
    if path.stat().st_size > MAX_BYTES:
        raise ImportFailed(
            f"{path}: {path.stat().st_size:,} bytes is more than {MAX_BYTES:,}; split the file."
        )
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportFailed(f"{path}: the file is not UTF-8 text.") from None
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})."
        ) from None
    if isinstance(data, dict) and isinstance(data.get("orders"), list):
        data = data["orders"]
    if not isinstance(data, list):
        raise ImportFailed(f'{path}: expected a list of orders (or {{"orders": [...]}}).')
    run = import_run_start(ImportKind.ORDERS, path, user)
    actor = Actor(user=user, via=via)
    filed = known = 0
    quarantined = []
    for number, item in enumerate(data, 1):
        try:
            _, created = _order(item, actor)
        except StoreError as exc:
            raw = item if isinstance(item, dict) else {"value": item}
            quarantined.append(Quarantined(number, _field(str(exc)), str(exc), raw))
            continue
        filed += created
        known += not created
    import_run_finish(run, rows=len(data), filed=filed, known=known, quarantined=quarantined, via=via)
    return f"Orders: {filed} new, {known} already held, {len(quarantined)} quarantined (run {run.pk})"


def _field(message: str) -> str:
    head = message.split(":", 1)[0]
    return head if " " not in head else "order"


def _order(item: object, actor: Actor):
    if not isinstance(item, dict):
        raise StoreError("order: each entry must be a JSON object.")
    reference = str(item.get("reference") or "").strip()
    return order_create(
        reference=reference,
        order_type=str(item.get("type") or item.get("order_type") or ""),
        subject=_subject(item.get("subject")),
        applicant=str(item.get("applicant") or "")[:200],
        court=str(item.get("court") or "")[:200],
        made_on=_date(item.get("made_on"), "made_on"),
        effective_from=_date(item.get("effective_from") or item.get("made_on"), "effective_from"),
        expires_on=_date(item["expires_on"], "expires_on") if item.get("expires_on") else None,
        conditions=[_condition(c, i) for i, c in enumerate(item.get("conditions") or [], 1)],
        officer_in_charge=_officer(item.get("officer_in_charge")),
        actor=actor,
    )


def _subject(value: object) -> Person:
    if not isinstance(value, dict):
        raise StoreError('subject: give {"source": ..., "record_id": ...} or {"person_id": ...}.')
    person = None
    if value.get("person_id"):
        try:
            person = Person.objects.filter(pk=str(value["person_id"])).first()
        except (ValidationError, ValueError):  # not a UUID
            person = None
    elif value.get("source") and value.get("record_id"):
        person = Person.objects.filter(
            source__code=str(value["source"]), source_record_id=str(value["record_id"])
        ).first()
    if person is None:
        raise StoreError(f"subject: no person {json.dumps(value)[:200]} in Lantern; import the person first.")
    return person


def _officer(value: object):
    if not value:
        return None
    officer = get_user_model().objects.filter(username=str(value)).first()
    if officer is None:
        raise StoreError(f"officer_in_charge: there is no user {str(value)[:60]!r}.")
    return officer


def _date(value: object, name: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise StoreError(f"{name}: {str(value)[:40]!r} is not a date (YYYY-MM-DD).") from None


def _condition(value: object, i: int) -> ConditionInput:
    if not isinstance(value, dict):
        raise StoreError(f"conditions: condition {i} must be a JSON object.")
    number = value.get("number", i)
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 999:
        raise StoreError(f"conditions: condition {i} has number {number!r}; use 1 to 999.")
    spec = {k: v for k, v in value.items() if k not in CONDITION_KEYS}
    return ConditionInput(
        number=number, kind=str(value.get("kind") or ""), wording=str(value.get("wording") or ""), spec=spec
    )
