"""The policy as validated data; a review date for every new record and, by the command, for old ones."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command

from lantern.intel.models import Event, Person, Source
from lantern.orders.models import Order
from lantern.retention import policy as policy_module
from lantern.retention.models import ReviewSchedule
from lantern.retention.policy import DEFAULT_POLICY, PolicyError, add_years, current_policy, parse_policy


def test_the_defaults_are_valid_and_documented():
    policy = parse_policy(DEFAULT_POLICY)
    assert [g.review_years for g in policy.groups.values()] == [10, 10, 6, 6]
    assert not any(g.auto_dispose for g in policy.groups.values())
    assert policy.review_after("3", date(2020, 2, 29)) == date(2026, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"groups": []}, "groups must be"),
        ({"queue_window_days": -1}, "queue_window_days"),
        ({"serious_harm_days": "lots"}, "serious_harm_days"),
        ({"review_from": "later"}, "review_from"),
        ({"surprise": 1}, "unknown field"),
        ({"assign": {**DEFAULT_POLICY["assign"], "order_subject": "9"}}, "group '9'"),
    ],
)
def test_a_bad_policy_is_a_clear_error(change, message):
    with pytest.raises(PolicyError, match=message):
        parse_policy({**DEFAULT_POLICY, **change})


def test_a_group_with_a_bad_period_names_it():
    groups = [dict(g) for g in DEFAULT_POLICY["groups"]]
    groups[1]["review_years"] = 0
    with pytest.raises(PolicyError, match=r"groups\[1\]\.review_years"):
        parse_policy({**DEFAULT_POLICY, "groups": groups})


def test_the_policy_file_from_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({**DEFAULT_POLICY, "version": "force-2", "queue_window_days": 7}))
    monkeypatch.setenv(policy_module.ENV, str(path))
    assert current_policy().version == "force-2"
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    monkeypatch.setenv(policy_module.ENV, str(bad))
    with pytest.raises(PolicyError, match="not JSON"):
        current_policy()
    monkeypatch.setenv(policy_module.ENV, str(tmp_path / "missing.json"))
    with pytest.raises(PolicyError, match="cannot be read"):
        current_policy()


def test_new_persons_and_events_get_a_review_date(demo_world):
    source = Source.objects.create(code="retention-test", name="Retention test", kind="officer")
    person = Person.objects.create(kind="person", label="Test Person", source=source, source_record_id="R1")
    event = Event.objects.create(
        kind="report",
        source=source,
        source_ref="E1",
        occurred_from=datetime(2020, 1, 1, tzinfo=UTC),
        summary="x",
    )
    schedules = {s.object_id: s for s in ReviewSchedule.objects.filter(object_id__in=[person.pk, event.pk])}
    assert set(schedules) == {person.pk, event.pk}
    assert schedules[person.pk].group == "3" and schedules[person.pk].record_kind == "person"
    today = date.today()
    assert schedules[person.pk].review_on == add_years(today, 6)


def test_the_demo_world_was_scheduled_as_it_was_filed(demo_world):
    assert ReviewSchedule.objects.filter(record_kind="person").count() == Person.objects.count()
    assert ReviewSchedule.objects.filter(record_kind="event").count() == Event.objects.count()


def test_the_command_schedules_records_without_one_and_regroups(demo_world):
    subject = Order.objects.first().subject
    ReviewSchedule.objects.filter(record_kind="event").delete()
    ReviewSchedule.objects.filter(object_id=subject.pk).delete()
    call_command("retention", "schedule")
    assert ReviewSchedule.objects.filter(record_kind="event").count() == Event.objects.count()
    assert ReviewSchedule.objects.get(object_id=subject.pk).group == "1"
    # A person who became an order's subject after filing is moved by --regroup.
    ReviewSchedule.objects.filter(object_id=subject.pk).update(group="3")
    call_command("retention", "schedule", "--regroup")
    schedule = ReviewSchedule.objects.get(object_id=subject.pk)
    assert schedule.group == "1" and schedule.review_on == add_years(schedule.start_on, 10)
