"""Record restrictions (access lists), when the governance app provides them.

Restricted records are being added to ``lantern.governance`` alongside this app; until that lands
there is nothing to hide and nothing to delete, so retention works either way.
"""

from __future__ import annotations

try:  # pragma: no cover - depends on which governance version is installed
    from lantern.governance.models import RecordRestriction
    from lantern.governance.restrictions import hidden_ids, is_hidden
except ImportError:  # pragma: no cover
    RecordRestriction = None

    def hidden_ids(user):
        return []

    def is_hidden(user, object_id) -> bool:
        return False


def delete_restrictions(object_ids) -> int:
    if RecordRestriction is None:
        return 0
    return RecordRestriction.objects.filter(object_id__in=list(object_ids)).delete()[0]
