"""Telling people about a new potential breach: the officer in charge by e-mail, and a webhook.

Both run after the alert is committed and never undo it: a mail server or webhook that is down
leaves the alert in the queue with the error recorded on it. The webhook carries no personal
data, only the alert's id, kind, order reference and address, so a receiving system must ask
Lantern (with its own access) for the rest.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from lantern.orders.models import BreachAlert

log = logging.getLogger(__name__)


def alert_notify(alert: BreachAlert) -> None:
    errors = []
    url = settings.LANTERN_BASE_URL.rstrip("/") + alert.get_absolute_url()
    recipient = _recipient(alert)
    if recipient:
        try:
            send_mail(
                subject=f"Lantern: potential breach of {alert.order.reference} "
                f"(condition {alert.condition_number})",
                message=(
                    f"A potential breach needs review.\n\n{alert.explanation}\n\n"
                    f"Review it at {url}\n\nThis is a potential breach found by screening; "
                    "a person must review the evidence before any action."
                ),
                from_email=settings.LANTERN_ALERT_FROM,
                recipient_list=[recipient],
            )
        except Exception as exc:  # any mail failure is recorded, never raised into screening
            errors.append(f"e-mail to the officer in charge failed: {exc}")
    if settings.LANTERN_ALERT_WEBHOOK_URL:
        try:
            _webhook(alert, url)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            errors.append(f"webhook failed: {exc}")
    BreachAlert.objects.filter(pk=alert.pk).update(
        notified_at=timezone.now(), notify_error="; ".join(errors)[:2000]
    )
    for error in errors:
        log.warning("alert %s: %s", alert.pk, error)


def _recipient(alert: BreachAlert) -> str:
    officer = alert.order.officer_in_charge
    if officer is not None and officer.email:
        return officer.email
    return settings.LANTERN_ALERT_EMAIL


def _webhook(alert: BreachAlert, url: str) -> None:
    body = json.dumps(
        {
            "alert_id": str(alert.pk),
            "kind": alert.kind,
            "order_reference": alert.order.reference,
            "condition": alert.condition_number,
            "first_at": alert.first_at.isoformat(),
            "url": url,
        }
    ).encode()
    if not settings.LANTERN_ALERT_WEBHOOK_URL.startswith(("https://", "http://")):
        raise ValueError("LANTERN_ALERT_WEBHOOK_URL must be an http(s) address")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        settings.LANTERN_ALERT_WEBHOOK_URL,
        data=body,
        headers={"Content-Type": "application/json", "User-Agent": "Lantern"},
        method="POST",
    )
    with urllib.request.urlopen(  # noqa: S310 (scheme checked above)
        request, timeout=settings.LANTERN_ALERT_WEBHOOK_TIMEOUT_S
    ) as response:
        if response.status >= 300:
            raise ValueError(f"the webhook answered {response.status}")
