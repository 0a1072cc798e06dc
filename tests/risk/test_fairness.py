"""Sex, ethnicity, nationality and religion are never inputs to a person's score: changing every
person's recorded values leaves every subject's and every person at risk's score unchanged."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time

from lantern.demo.world import ANCHOR
from lantern.engine.risk.inputs import PROTECTED, SCHEMAS
from lantern.intel.models import Gender, Person
from lantern.intel.services import Actor
from lantern.risk.models import PersonRisk, SubjectRisk
from lantern.risk.services import risk_recompute

AS_OF = datetime.combine(ANCHOR, time(23, 59), tzinfo=UTC)


def _scores() -> tuple[dict, dict]:
    run = risk_recompute(actor=Actor(via="tests"), as_of=AS_OF)
    assert run.status == "done", run.message
    subjects = {
        s.subject_key: (s.priority, s.escalating, s.serial, s.mk_p, s.explanation, s.priority_text)
        for s in SubjectRisk.objects.all()
    }
    people = {p.subject_key: (p.score, p.prompt_referral, p.explanation) for p in PersonRisk.objects.all()}
    return subjects, people


def test_changing_protected_characteristics_changes_no_persons_score(demo_world):
    before = _scores()
    assert before[0] and before[1]
    rng = random.Random(7)
    changed = []
    for person in Person.objects.all():
        person.gender = rng.choice([g for g in Gender.values if g != person.gender])
        person.ethnicity = rng.choice(["White British", "Black African", "Asian Pakistani", "Mixed", "Roma"])
        person.nationality = rng.choice(["British", "Romanian", "Polish", "Albanian", "Vietnamese"])
        person.religion = rng.choice(["Christian", "Muslim", "None", "Sikh", "Jewish"])
        person.description = f"{person.ethnicity} {person.gender}, {person.nationality}"
        changed.append(person)
    Person.objects.bulk_update(changed, ["gender", "ethnicity", "nationality", "religion", "description"])
    after = _scores()
    assert after[0] == before[0]
    assert after[1] == before[1]


def test_no_person_input_of_the_engine_carries_a_protected_attribute():
    person_tables = {name: schema for name, schema in SCHEMAS.items() if name != "people"}
    for name, schema in person_tables.items():
        assert not set(schema.names) & set(PROTECTED), name
    # the premises-only table holds a flag and nothing else
    assert SCHEMAS["people"].names == ["person", "female"]
