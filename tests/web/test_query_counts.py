"""Hot pages read the store in a fixed number of queries, however much is linked (no N+1)."""

from __future__ import annotations

from lantern.intel.models import Person


def test_subject_page_query_count(demo_world, client_for, django_assert_max_num_queries):
    subject = Person.objects.get(source_record_id=_subject_record_id(demo_world))
    client = client_for("analyst")
    with django_assert_max_num_queries(20):
        response = client.get(subject.get_absolute_url())
    assert response.status_code == 200
    assert response.content.count(b"<tr>") > 10  # a long timeline, still few queries


def test_dashboard_query_count(demo_world, client_for, django_assert_max_num_queries):
    client = client_for("officer")
    client.get("/")  # once per store and process: the risk model's first version, the district outlines
    # the area picture adds its inputs and queues: tests/web/test_dashboard.py counts them
    with django_assert_max_num_queries(24):
        assert client.get("/").status_code == 200


def test_search_query_count(demo_world, client_for, django_assert_max_num_queries):
    client = client_for("analyst")
    # the page, the stated purpose saved in the session, the session's second factor (django-otp)
    with django_assert_max_num_queries(14):
        response = client.get("/search/", {"q": "ashdown", "purpose": "investigation"})
    assert response.content.count(b'class="muted">person') >= 3


def _subject_record_id(world) -> str:
    return next(p.record_id for p in world.persons if p.key == world.orders[0].subject)
