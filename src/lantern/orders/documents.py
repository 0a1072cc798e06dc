"""Order documents on disk: size-limited, checked by content (PDF), stored under a name Lantern chose."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction

from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.intel.services import SYSTEM, Actor, StoreError
from lantern.orders.models import Order, OrderDocument

PDF_MAGIC = b"%PDF-"


def document_add(*, order: Order, title: str, upload, actor: Actor = SYSTEM) -> OrderDocument:
    limit = settings.LANTERN_MAX_DOCUMENT_BYTES
    if upload.size > limit:
        raise StoreError(f"file: {upload.size:,} bytes is more than the {limit:,} allowed.")
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise StoreError(
            "file: this is not a PDF (its content does not start as a PDF does); save it as PDF."
        )
    pk = uuid.uuid4()
    folder = Path(settings.LANTERN_DOCUMENTS_DIR) / str(order.pk)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{pk}.pdf"
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    try:
        with transaction.atomic():
            document = OrderDocument.objects.create(
                pk=pk,
                order=order,
                title=title.strip()[:200],
                file_name=Path(upload.name or "document.pdf").name[:255],
                stored_path=str(path),
                size=upload.size,
                sha256=digest.hexdigest(),
                content_type="application/pdf",
                uploaded_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
            )
            audit_record(
                user=actor.user,
                action=AuditAction.CREATE,
                object_type="order_document",
                object_id=str(pk),
                summary=f"document {document.title!r} on {order.reference}",
                path=actor.via,
            )
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return document
