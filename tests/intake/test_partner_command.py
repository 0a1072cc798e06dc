"""`lantern partner`: organisations, caseworkers and tokens from the command line, with clear errors."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lantern.intake.models import PartnerMember, PartnerOrganisation


def _run(*args) -> str:
    out = StringIO()
    call_command("partner", *args, stdout=out)
    return out.getvalue()


def test_add_member_token_list_revoke(client, db, make_user):
    assert "pboro-project: Peterborough project" in _run("add", "pboro-project", "Peterborough project")
    caseworker = make_user("partner", "cw-cmd")
    assert "now a caseworker of pboro-project" in _run("member", "cw-cmd", "pboro-project")
    assert PartnerMember.objects.get(user=caseworker).organisation.code == "pboro-project"
    issued = _run("token", "pboro-project", "--name", "case system")
    token = issued.splitlines()[1]
    assert token.startswith("lan_")
    assert client.get("/api/submissions", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    listing = _run("list")
    assert "caseworker cw-cmd" in listing and f"token {token[:12]}... case system (live)" in listing
    assert token not in listing  # the token itself is never shown again
    assert "revoked" in _run("revoke", token[:12])
    assert client.get("/api/submissions", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "Bad Code!", "x"), "use up to 64 letters"),
        (("member", "nobody", "x"), "No user 'nobody'"),
        (("token", "missing", "--name", "x"), "No partner organisation 'missing'"),
        (("revoke", "lan_nothing"), "No live token"),
    ],
)
def test_mistakes_say_what_to_do(db, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)


def test_a_user_without_the_partner_role_cannot_be_a_caseworker(db, make_user):
    make_user("officer", "pc-cmd")
    _run("add", "proj", "Project")
    with pytest.raises(CommandError, match="does not have the partner role"):
        _run("member", "pc-cmd", "proj")
    assert PartnerOrganisation.objects.filter(code="proj").exists()
