"""What each intake channel submits, as plain data: the forms and the partner API both build these.

The services in ``lantern.intake.services.submissions`` take them:

- ``public_report_submit(*, data: PublicReportInput, actor: Actor) -> Submission``
- ``safety_report_submit(*, data: SafetyReportInput, organisation: PartnerOrganisation | None,
  actor: Actor, channel: str = Channel.SEX_WORKER) -> Submission``
- ``safety_consent_withdraw(*, safety_report: SafetyReport, actor: Actor) -> SafetyReport``
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PublicReportInput:
    """A member of the public's report. Only ``what_happened`` is required."""

    what_happened: str
    occurred_at: datetime | None = None  # aware; None when the reporter does not know
    address: str = ""
    postcode: str = ""
    latitude: float | None = None  # a point picked on the map (WGS84)
    longitude: float | None = None
    people: str = ""  # descriptions or names of the people involved, as written
    vehicles: tuple[str, ...] = ()  # registrations as written
    phones: tuple[str, ...] = ()  # numbers as written
    wants_contact: bool = False
    contact_name: str = ""  # kept only when wants_contact, as restricted source details
    contact_phone: str = ""
    contact_email: str = ""


INCIDENT_TYPES: dict[str, str] = {
    "violence": "physical violence",
    "sexual_assault": "sexual assault or rape",
    "robbery": "robbery or theft",
    "threats": "threats or intimidation",
    "condom_refusal": "refused or removed a condom",
    "payment": "refused to pay or took money back",
    "harassment": "harassment or stalking",
    "suspicious": "suspicious or worrying behaviour",
    "other": "something else",
}


@dataclass(frozen=True)
class SafetyReportInput:
    """A sex worker's safety report, with the reporter's three choices."""

    incident_type: str  # a key of INCIDENT_TYPES
    occurred_at: datetime  # aware
    account: str  # what happened, in the reporter's words
    share_with_police: bool
    warn_others: bool
    contactable: bool = False
    working_name: str = ""  # only when contactable; never a legal name
    contact_route: str = ""  # how the project may reach them, only when contactable
    place: str = ""  # the venue: never leaves the report in an alert
    area: str = ""  # a broad area (a postcode district or a neighbourhood) for the alert
    person_description: str = ""
    phone: str = ""
    vrm: str = ""
    advert_handle: str = ""
