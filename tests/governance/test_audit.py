from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lantern.governance.audit import audit_record, verify_chain
from lantern.governance.models import AuditAction, AuditEntry
from lantern.intel.models import Person


def test_viewing_a_person_leaves_an_access_entry(demo_world, client_for, users):
    person = Person.objects.first()
    client = client_for("officer")  # signing in is audited too: count after it
    before = AuditEntry.objects.count()
    client.get(person.get_absolute_url())
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.object_type, entry.object_id) == ("view", "person", str(person.pk))
    assert entry.user == users["officer"]
    assert entry.path == person.get_absolute_url()


def test_search_is_recorded_with_its_query(demo_world, client_for):
    client_for("analyst").get("/search/", {"q": "PE1", "purpose": "investigation"})
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert (entry.action, entry.summary) == ("search", "PE1")


def test_chain_verifies_and_names_an_edited_entry(db):
    for n in range(3):
        audit_record(user=None, action=AuditAction.CREATE, object_type="test", object_id=str(n))
    assert verify_chain()[0]
    middle = AuditEntry.objects.order_by("sequence")[1]
    AuditEntry.objects.filter(pk=middle.pk).update(summary="quietly changed")
    ok, message = verify_chain()
    assert not ok
    assert f"#{middle.sequence}" in message
    with pytest.raises(CommandError, match=f"#{middle.sequence}"):
        call_command("audit", "verify")


def test_chain_detects_a_deleted_entry(db):
    for n in range(3):
        audit_record(user=None, action=AuditAction.CREATE, object_type="test", object_id=str(n))
    AuditEntry.objects.order_by("sequence")[1].delete()
    ok, message = verify_chain()
    assert not ok and "missing" in message


def test_sign_in_and_failed_sign_in_are_recorded(db, client, make_user):
    officer = make_user("officer", "pc-signin")
    client.post("/accounts/login/", {"username": "pc-signin", "password": "not it"})
    client.post("/accounts/login/", {"username": "pc-signin", "password": officer.plain_password})
    entries = list(AuditEntry.objects.filter(action="sign_in").order_by("sequence"))
    assert [e.summary for e in entries[-2:]] == ["failed sign-in as 'pc-signin'", "signed in"]
    assert entries[-1].user == officer
    assert "not it" not in str([(e.summary, e.detail) for e in entries])


def test_chain_detects_two_entries_swapped_and_names_one(db):
    for n in range(4):
        audit_record(user=None, action=AuditAction.CREATE, object_type="test", object_id=str(n))
    second, third = AuditEntry.objects.order_by("sequence")[1:3]
    # swap their places in the chain (through a free number: sequence is unique)
    AuditEntry.objects.filter(pk=second.pk).update(sequence=-1)
    AuditEntry.objects.filter(pk=third.pk).update(sequence=second.sequence)
    AuditEntry.objects.filter(pk=second.pk).update(sequence=third.sequence)
    ok, message = verify_chain()
    assert not ok and f"#{second.sequence}" in message and "reordered" in message
    with pytest.raises(CommandError, match=f"#{second.sequence}"):
        call_command("audit", "verify")
