"""Access lists of records being disposed of go with them (the restriction is personal data too)."""

from __future__ import annotations

from collections.abc import Iterable

from lantern.governance.models import RecordRestriction


def delete_restrictions(object_ids: Iterable) -> int:
    return RecordRestriction.objects.filter(object_id__in=list(object_ids)).delete()[0]
