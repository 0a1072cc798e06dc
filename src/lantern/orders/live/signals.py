"""Changes to what screening watches, logged in the same transaction as the change itself.

Orders (made, varied, discharged, expired), their conditions, relationships that link a vehicle
to an order's subject, and camera sites. A signal runs inside the writer's transaction, so the
log row commits with the change or not at all. Writes that bypass the model (bulk imports' SQL,
events' links made in bulk) are caught by the matcher's periodic full rebuild instead.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from lantern.evidence.models import Camera
from lantern.intel.models import Relationship
from lantern.orders.live.models import RulesChange
from lantern.orders.models import Order, OrderCondition
from lantern.orders.snapshot import LINKING_RELATIONSHIPS


def _orders_changed(order_ids) -> None:
    RulesChange.objects.bulk_create(
        [RulesChange(what=RulesChange.What.ORDER, order_id=pk) for pk in order_ids]
    )


def _order(sender, instance: Order, **kwargs) -> None:
    _orders_changed([instance.pk])


def _condition(sender, instance: OrderCondition, **kwargs) -> None:
    _orders_changed([instance.order_id])


def _relationship(sender, instance: Relationship, **kwargs) -> None:
    if instance.kind in LINKING_RELATIONSHIPS:
        people = [instance.entity_a_id, instance.entity_b_id]
        _orders_changed(Order.objects.filter(subject_id__in=people).values_list("pk", flat=True))


def _camera(sender, instance: Camera, **kwargs) -> None:
    RulesChange.objects.create(what=RulesChange.What.CAMERAS)


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_order, sender=Order, dispatch_uid=f"live-order-{signal is post_save}")
        signal.connect(
            _condition, sender=OrderCondition, dispatch_uid=f"live-condition-{signal is post_save}"
        )
        signal.connect(_relationship, sender=Relationship, dispatch_uid=f"live-link-{signal is post_save}")
        signal.connect(_camera, sender=Camera, dispatch_uid=f"live-camera-{signal is post_save}")
