"""The public report form and the sex-worker safety report form (no sign-in needed for either)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from lantern.intake.inputs import INCIDENT_TYPES, PublicReportInput, SafetyReportInput

UK = ZoneInfo("Europe/London")
_SPLIT = re.compile(r"[\n,;]+")
YES_NO = [("yes", "Yes"), ("no", "No")]


class HoneypotMixin(forms.Form):
    """A field people never see or fill; automated form-fillers do. Hidden by CSS, not by type=hidden."""

    website = forms.CharField(
        required=False,
        max_length=200,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())


class SubmissionIdMixin(forms.Form):
    """An id drawn when the form is shown and sent back with it: the same report sent twice (a
    double click, a retry after an error, a reload) is recognised and kept once."""

    submission_id = forms.CharField(required=False, max_length=36, widget=forms.HiddenInput)

    @classmethod
    def blank(cls):
        return cls(initial={"submission_id": str(uuid.uuid4())})

    def submission_uuid(self) -> uuid.UUID:
        """The id sent with the form; a fresh one when it is missing or not a UUID (an old page)."""
        try:
            return uuid.UUID(self.cleaned_data.get("submission_id") or "")
        except ValueError:
            self.cleaned_data["submission_id"] = str(uuid.uuid4())
            return uuid.UUID(self.cleaned_data["submission_id"])


def _when(date_value, time_value, *, required: bool) -> datetime | None:
    if date_value is None:
        if required:
            raise forms.ValidationError("Give the date it happened.")
        return None
    moment = datetime.combine(date_value, time_value or time(12, 0)).replace(tzinfo=UK)
    if moment > timezone.now() + timedelta(minutes=10):
        raise forms.ValidationError("The date and time cannot be in the future.")
    if date_value.year < 1990:
        raise forms.ValidationError("Give a date after 1990.")
    return moment


def _items(text: str, limit: int = 10) -> tuple[str, ...]:
    return tuple(item.strip() for item in _SPLIT.split(text or "") if item.strip())[:limit]


class PublicReportForm(SubmissionIdMixin, HoneypotMixin):
    what_happened = forms.CharField(
        label="What did you see or hear?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="For example: lots of different people calling at an address at all hours.",
    )
    when_date = forms.DateField(
        label="Date", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Optional."
    )
    when_time = forms.TimeField(
        label="Approximate time",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="Optional. UK time.",
    )
    address = forms.CharField(label="Address or description of the place", max_length=200, required=False)
    postcode = forms.CharField(label="Postcode", max_length=12, required=False)
    latitude = forms.FloatField(label="Latitude", required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label="Longitude", required=False, min_value=-180, max_value=180)
    people = forms.CharField(
        label="The people involved",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Names if you know them, or what they look like.",
    )
    vehicles = forms.CharField(
        label="Vehicle registrations",
        max_length=300,
        required=False,
        help_text="One or more, separated by commas. Part of a registration helps too.",
    )
    phones = forms.CharField(
        label="Phone numbers", max_length=300, required=False, help_text="One or more, separated by commas."
    )
    contact = forms.ChoiceField(
        label="Can we contact you?",
        choices=[
            ("anonymous", "No, I want to stay anonymous"),
            ("contact", "Yes, you may contact me about this report"),
        ],
        widget=forms.RadioSelect,
        initial="anonymous",
    )
    contact_name = forms.CharField(label="Your name", max_length=100, required=False)
    contact_phone = forms.CharField(label="Your phone number", max_length=40, required=False)
    contact_email = forms.EmailField(label="Your e-mail address", max_length=200, required=False)

    def clean(self):
        data = super().clean()
        try:
            data["occurred_at"] = _when(data.get("when_date"), data.get("when_time"), required=False)
        except forms.ValidationError as exc:
            self.add_error("when_date", exc)
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("latitude", "Give both latitude and longitude, or pick the place on the map.")
        if data.get("contact") == "contact" and not any(
            (data.get(f) or "").strip() for f in ("contact_name", "contact_phone", "contact_email")
        ):
            self.add_error(
                "contact_phone", "Give a phone number or e-mail address, or choose to stay anonymous."
            )
        return data

    def to_input(self) -> PublicReportInput:
        d = self.cleaned_data
        wants = d["contact"] == "contact"
        return PublicReportInput(
            what_happened=d["what_happened"],
            occurred_at=d.get("occurred_at"),
            address=d["address"],
            postcode=d["postcode"],
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            people=d["people"],
            vehicles=_items(d["vehicles"]),
            phones=_items(d["phones"]),
            wants_contact=wants,
            contact_name=d["contact_name"] if wants else "",
            contact_phone=d["contact_phone"] if wants else "",
            contact_email=d["contact_email"] if wants else "",
        )


class SafetyReportForm(SubmissionIdMixin, HoneypotMixin):
    incident_type = forms.ChoiceField(
        label="What happened?", choices=list(INCIDENT_TYPES.items()), widget=forms.RadioSelect
    )
    when_date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    when_time = forms.TimeField(
        label="Approximate time", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    account = forms.CharField(
        label="Tell us what happened",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="In your own words. This is never put in a warning to other workers.",
    )
    place = forms.CharField(
        label="Where it happened",
        max_length=300,
        required=False,
        help_text="Kept private: never put in a warning. "
        "Only shared with the police if you choose that below.",
    )
    area = forms.CharField(
        label="Area for the warning",
        max_length=100,
        required=False,
        help_text="A broad area only, such as a postcode district (PE1) or a neighbourhood.",
    )
    person_description = forms.CharField(
        label="Describe the person",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    phone = forms.CharField(label="Their phone number", max_length=40, required=False)
    vrm = forms.CharField(label="Their vehicle registration", max_length=20, required=False)
    advert_handle = forms.CharField(label="Their advert, profile or handle", max_length=200, required=False)
    share_with_police = forms.ChoiceField(
        label="Share this report with the police?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="If you say no, only the support project sees it. "
        "You can change your mind later through the project.",
    )
    contact = forms.ChoiceField(
        label="Can the project contact you?",
        choices=[("anonymous", "No, stay anonymous"), ("contactable", "Yes, using my working name")],
        widget=forms.RadioSelect,
    )
    working_name = forms.CharField(
        label="Working name", max_length=100, required=False, help_text="Never your legal name."
    )
    contact_route = forms.CharField(label="How the project can reach you", max_length=200, required=False)
    warn_others = forms.ChoiceField(
        label="Warn other workers?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="A short warning goes to support projects, with nothing about you or where it happened.",
    )

    def clean(self):
        data = super().clean()
        try:
            data["occurred_at"] = _when(data.get("when_date"), data.get("when_time"), required=True)
        except forms.ValidationError as exc:
            self.add_error("when_date", exc)
        if data.get("contact") == "contactable" and not (data.get("working_name") or "").strip():
            self.add_error("working_name", "Give a working name, or choose to stay anonymous.")
        return data

    def to_input(self) -> SafetyReportInput:
        d = self.cleaned_data
        contactable = d["contact"] == "contactable"
        return SafetyReportInput(
            incident_type=d["incident_type"],
            occurred_at=d["occurred_at"],
            account=d["account"],
            share_with_police=d["share_with_police"] == "yes",
            warn_others=d["warn_others"] == "yes",
            contactable=contactable,
            working_name=d["working_name"] if contactable else "",
            contact_route=d["contact_route"] if contactable else "",
            place=d["place"],
            area=d["area"],
            person_description=d["person_description"],
            phone=d["phone"],
            vrm=d["vrm"],
            advert_handle=d["advert_handle"],
        )
