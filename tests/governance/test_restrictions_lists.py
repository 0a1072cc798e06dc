"""Need-to-know in the lists: a task, a referral or a resolved person about a restricted record is
absent from the lists and pages of everyone off its access list, as its own page is."""

from __future__ import annotations

from datetime import date

import pytest

from lantern.governance.restrictions import restrict
from lantern.intel.services import Actor
from lantern.resolution.models import Cluster, Membership
from lantern.safeguarding.services import referral_create_nrm, task_create
from tests.conftest import sign_in


@pytest.fixture
def restricted(demo_world, make_user):
    """A person with a task, a referral and a resolved cluster, restricted to one supervisor."""
    from lantern.intel.models import Person

    supervisor = make_user("supervisor", "sup-lists")
    person = Person.objects.filter(family_name__gt="").order_by("pk").first()
    actor = Actor(user=supervisor, via="tests")
    task = task_create(
        kind="welfare_visit", subject=person, title="Visit her", due_on=date(2099, 1, 1), actor=actor
    )
    referral = referral_create_nrm(
        person=person, is_child=False, consent=True, age_band="25_34", exploitation_types=["sexual"],
        first_responder="Peterborough police", actor=actor,
    )  # fmt: skip
    other = Person.objects.exclude(pk=person.pk).order_by("pk").first()
    cluster = Cluster.objects.create(kind="person", label=person.label, size=2)
    for member in (person, other):
        Membership.objects.update_or_create(entity=member, defaults={"cluster": cluster})
    restrict(record=person, kind="person", reason="Witness protection", actor=supervisor)
    return {
        "person": person,
        "task": task,
        "referral": referral,
        "cluster": cluster,
        "supervisor": supervisor,
    }


def test_outsiders_see_no_task_referral_or_cluster_of_a_restricted_person(restricted, make_user, client):
    sign_in(client, make_user("supervisor", "sup-outsider"))
    person = restricted["person"]
    for url in ("/safeguarding/?state=all", "/safeguarding/referrals/", "/resolution/"):
        page = client.get(url).content.decode()
        assert person.label not in page, url
    assert client.get(f"/safeguarding/tasks/{restricted['task'].pk}/").status_code == 404
    assert client.get(f"/safeguarding/referrals/{restricted['referral'].pk}/").status_code == 404
    assert client.get(f"/resolution/clusters/{restricted['cluster'].pk}/").status_code == 404
    csv = client.get("/safeguarding/", {"state": "all", "format": "csv"}).content.decode()
    assert person.label not in csv and "Visit her" not in csv


def test_the_access_list_still_sees_them(restricted, client):
    sign_in(client, restricted["supervisor"])
    assert "Visit her" in client.get("/safeguarding/?state=all").content.decode()
    assert client.get(f"/safeguarding/tasks/{restricted['task'].pk}/").status_code == 200
    assert client.get(f"/safeguarding/referrals/{restricted['referral'].pk}/").status_code == 200
    assert client.get(f"/resolution/clusters/{restricted['cluster'].pk}/").status_code == 200


def test_orders_and_alerts_about_a_restricted_subject_do_not_exist_for_outsiders(
    demo_world, make_user, client
):
    from lantern.orders.models import BreachAlert, Order
    from tests.governance.test_url_matrix import _breach_alert

    alert = BreachAlert.objects.get(pk=_breach_alert())
    order = Order.objects.select_related("subject").get(pk=alert.order_id)
    supervisor = make_user("supervisor", "sup-orders")
    restrict(record=order.subject, kind="person", reason="Covert operation", actor=supervisor)
    sign_in(client, make_user("supervisor", "sup-orders-outsider"))
    assert order.reference not in client.get("/orders/").content.decode()
    assert client.get(f"/orders/{order.pk}/").status_code == 404
    assert order.reference not in client.get("/orders/", {"format": "csv"}).content.decode()
    assert client.get(f"/orders/alerts/{alert.pk}/").status_code == 404
    assert order.reference not in client.get("/orders/alerts/", {"format": "csv"}).content.decode()
    sign_in(client, supervisor)
    assert client.get(f"/orders/{order.pk}/").status_code == 200
    assert client.get(f"/orders/alerts/{alert.pk}/").status_code == 200
    assert order.reference in client.get("/orders/alerts/", {"format": "csv"}).content.decode()
