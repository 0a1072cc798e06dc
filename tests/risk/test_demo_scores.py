"""On the demo world, the escalating subject and the exploited premises come out on top, explained."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from lantern.demo.world import ANCHOR
from lantern.intel.services import Actor
from lantern.risk.models import PersonRisk, PremisesRisk, RiskRun, SubjectRisk
from lantern.risk.services import risk_recompute

AS_OF = datetime.combine(ANCHOR, time(23, 59), tzinfo=UTC)


def _records_of(world, true_id: str) -> set[tuple[str, str]]:
    return {(p.source, p.record_id) for p in world.persons if world.truth["persons"][p.key] == true_id}


def _addresses(world, keys) -> set[tuple[str, str]]:
    wanted = set(keys)
    return {(loc.line1, loc.postcode) for loc in world.locations if loc.key in wanted}


@pytest.fixture
def scored(demo_world):
    run = risk_recompute(actor=Actor(via="tests"), as_of=AS_OF)
    assert run.status == RiskRun.Status.DONE, run.message
    return demo_world


def test_escalating_subject_is_flagged_and_ranked_first(scored):
    world = scored
    top = SubjectRisk.objects.order_by("escalation_rank").select_related("person__source").first()
    robert = _records_of(world, world.truth["escalating_subjects"][0])
    assert (top.person.source.code, top.person.source_record_id) in robert
    assert top.escalating
    assert SubjectRisk.objects.filter(escalating=True).count() == 1


def test_escalation_explanation_cites_incidents_in_order(scored):
    top = SubjectRisk.objects.order_by("escalation_rank").first()
    chronology = top.detail["chronology"]
    assert len(chronology) >= 10
    when = [c["at"] for c in chronology]
    assert when == sorted(when)
    text = top.explanation
    assert "Escalating" in text and "Mann-Kendall" in text
    cited = text.split("In order: ")[1]
    assert cited.index("degrading request") < cited.index("weapon produced")
    assert "assault occasioning actual bodily harm" in cited


def test_escalating_subject_is_serial_and_top_priority(scored):
    top = SubjectRisk.objects.order_by("priority_rank").first()
    assert top.escalating and top.serial
    assert "Serial" in top.priority_text and "victims" in top.priority_text


def test_exploited_premises_top_the_premises_list(scored):
    world = scored
    exploited = _addresses(world, world.truth["exploitative_premises"])
    top = list(PremisesRisk.objects.order_by("rank").select_related("location")[: len(exploited)])
    assert {(p.location.line1, p.location.postcode) for p in top} == exploited
    busy = _addresses(world, world.truth["busy_innocent_premises"])
    for premises in PremisesRisk.objects.select_related("location"):
        if (premises.location.line1, premises.location.postcode) in busy:
            assert not premises.high_risk
            assert premises.rank > len(exploited)
    assert "women linked" in top[0].explanation


def test_controlled_women_are_people_at_risk_with_a_referral_prompt(scored):
    world = scored
    women = set()
    for true_id in world.truth["controlled_people"]:
        women |= _records_of(world, true_id)
    prompted = PersonRisk.objects.filter(prompt_referral=True).select_related("person__source")
    found = {(p.person.source.code, p.person.source_record_id) for p in prompted}
    assert len(found & women) >= len(world.truth["controlled_people"]) - 1
    assert all("controlled" in p.explanation or "high-risk" in p.explanation for p in prompted)


def test_hotspots_are_computed_with_a_week_by_hour_matrix(scored):
    run = RiskRun.objects.filter(status="done").first()
    spots = run.hotspots
    assert spots["cells"], "harm-weighted cells"
    assert len(spots["matrix"]["harm"]) == 7 and len(spots["matrix"]["harm"][0]) == 24
    assert sum(map(sum, spots["matrix"]["harm"])) == pytest.approx(
        sum(c["harm"] for c in spots["cells"]), rel=1e-6
    )


def test_a_report_without_consent_and_its_incident_are_never_scored(scored):
    from lantern.intel.models import Incident

    top = SubjectRisk.objects.order_by("escalation_rank").first()
    assert "weapon produced" in top.explanation
    weapon = Incident.objects.filter(behaviours__code="weapon", from_report__isnull=False).first()
    report = weapon.from_report
    report.shared_with_police = False  # the reporter withdrew her consent
    report.save(update_fields=["shared_with_police"])
    risk_recompute(actor=Actor(via="tests"), as_of=AS_OF)
    again = SubjectRisk.objects.get(subject_key=top.subject_key)
    assert again.incidents == top.incidents - 1
    assert "weapon produced" not in again.explanation
    assert str(weapon.pk) not in {c["event_id"] for c in again.detail["chronology"]}
