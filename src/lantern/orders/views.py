from __future__ import annotations

import json
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lantern.governance.access import record_view, requires
from lantern.governance.roles import Capability
from lantern.orders.models import ConditionKind
from lantern.orders.selectors import order_get


@requires(Capability.VIEW_ORDERS)
def order_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    order = order_get(request.user, pk=pk)
    zones = [
        {"name": c.spec.get("name", ""), "geojson": c.spec.get("geojson")}
        for c in order.conditions.all()
        if c.kind == ConditionKind.EXCLUSION_ZONE and c.spec.get("geojson")
    ]
    record_view(request, object_type="order", object_id=str(pk), summary=str(order))
    return render(request, "orders/order_detail.html", {"order": order, "zones": json.dumps(zones)})
