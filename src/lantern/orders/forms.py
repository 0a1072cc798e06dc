"""Forms for recording, varying and discharging orders, their documents, and reviewing alerts.

Windows and vehicles are typed as lines ("19:00-07:00 Fri Sat", "AB12 CDE from 2026-03-01") because
that is how they read in an order; the zone is GeoJSON drawn on the map or uploaded as a file.
Every spec is checked by the engine's own parser, so the page says what the engine would refuse.
"""

from __future__ import annotations

import json
import re

from django import forms
from django.contrib.auth import get_user_model

from lantern.engine.screening.conditions import SpecError, normalise_spec
from lantern.governance.restrictions import hidden_ids
from lantern.intel.models import Person
from lantern.orders.models import BreachAlert, ConditionKind, OrderType
from lantern.orders.services import ConditionInput

MAX_ZONE_FILE = 1024 * 1024
_WINDOW_LINE = re.compile(r"^\s*(\S+)\s*-\s*(\S+)\s*(.*)$")
_VEHICLE_LINE = re.compile(r"^\s*(.+?)(?:\s+from\s+(\d{4}-\d{2}-\d{2}))?\s*$", re.IGNORECASE)
DATE = {"type": "date"}


def parse_window_lines(text: str) -> list[dict]:
    windows = []
    for n, line in enumerate(filter(str.strip, text.splitlines()), 1):
        match = _WINDOW_LINE.match(line)
        if match is None:
            raise forms.ValidationError(
                f"Line {n}: write a window as 19:00-07:00, optionally followed by days."
            )
        start, end, days = match.groups()
        window = {"start": start, "end": end}
        if days.strip():
            window["days"] = days.replace(",", " ").split()
        windows.append(window)
    return windows


def parse_vehicle_lines(text: str) -> list[dict]:
    vehicles = []
    for line in filter(str.strip, text.splitlines()):
        match = _VEHICLE_LINE.match(line)
        vehicles.append({"vrm": match.group(1), "registered_from": match.group(2)})
    return vehicles


class ZoneFields(forms.Form):
    zone_name = forms.CharField(label="Zone name", max_length=200, required=False)
    zone_geojson = forms.CharField(
        label="Zone boundary (GeoJSON)", required=False, max_length=MAX_ZONE_FILE,
        widget=forms.Textarea(attrs={"rows": 4, "class": "geojson"}),
        help_text="Click the map to draw the boundary, paste GeoJSON, or upload a file below.",
    )  # fmt: skip
    zone_file = forms.FileField(label="or upload a GeoJSON file", required=False)
    windows = forms.CharField(
        label="Times the zone applies", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One window a line, local time: 19:00-07:00 (every night) or 22:00-06:00 Fri Sat. "
        "Leave empty for at all times.",
    )  # fmt: skip

    def zone_spec(self) -> dict | None:
        data = self.cleaned_data
        text = data.get("zone_geojson") or ""
        upload = data.get("zone_file")
        if upload is not None:
            if upload.size > MAX_ZONE_FILE:
                raise forms.ValidationError({"zone_file": "The file is over 1 MB; simplify the boundary."})
            text = upload.read().decode("utf-8-sig", errors="replace")
        if not text.strip():
            return None
        try:
            geojson = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                {"zone_geojson": f"Not valid GeoJSON: {exc.msg} at line {exc.lineno}."}
            ) from None
        try:
            windows = parse_window_lines(data.get("windows") or "")
        except forms.ValidationError as exc:
            raise forms.ValidationError({"windows": exc.messages}) from None
        spec = {"name": data.get("zone_name") or "", "geojson": geojson, "windows": windows}
        try:
            return normalise_spec(ConditionKind.EXCLUSION_ZONE, spec)
        except SpecError as exc:
            field = (
                "windows" if "window" in str(exc) else "zone_name" if "name" in str(exc) else "zone_geojson"
            )
            raise forms.ValidationError({field: str(exc)}) from None


class OrderForm(ZoneFields):
    reference = forms.CharField(max_length=60)
    order_type = forms.ChoiceField(label="Type", choices=OrderType.choices)
    subject = forms.UUIDField(label="Subject (Lantern person id)", help_text="Open the person and choose "
                              "'Record an order' to fill this in.")  # fmt: skip
    applicant = forms.CharField(max_length=200)
    court = forms.CharField(max_length=200)
    made_on = forms.DateField(widget=forms.DateInput(attrs=DATE))
    effective_from = forms.DateField(widget=forms.DateInput(attrs=DATE))
    expires_on = forms.DateField(
        label="Last day in force", required=False, widget=forms.DateInput(attrs=DATE),
        help_text="Leave empty for until further order.",
    )  # fmt: skip
    officer_in_charge = forms.CharField(label="Officer in charge (user name)", max_length=150, required=False)
    zone_wording = forms.CharField(
        label="Zone condition as worded", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    vehicles = forms.CharField(
        label="Registered vehicles", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One a line: AB12 CDE, or AB12 CDE from 2026-03-01.",
    )  # fmt: skip
    notify_within_days = forms.IntegerField(
        label="Days to notify a vehicle", min_value=0, max_value=365, initial=3
    )
    other_conditions = forms.CharField(
        label="Other conditions (one a line; recorded, checked by people)", required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user  # a restricted person off this user's list is "no such person"

    def clean_subject(self):
        person = (
            Person.objects.filter(pk=self.cleaned_data["subject"])
            .exclude(pk__in=hidden_ids(self.user))
            .first()
        )
        if person is None:
            raise forms.ValidationError(
                "No person with that id; open the person's page and copy it from there."
            )
        return person

    def clean_officer_in_charge(self):
        name = self.cleaned_data.get("officer_in_charge", "").strip()
        if not name:
            return None
        officer = get_user_model().objects.filter(username=name, is_active=True).first()
        if officer is None:
            raise forms.ValidationError(f"There is no active user {name!r}.")
        return officer

    def clean(self):
        data = super().clean()
        conditions: list[ConditionInput] = []
        zone = self.zone_spec()
        if zone is not None:
            wording = data.get("zone_wording") or f"Not to enter {zone['name']}."
            conditions.append(
                ConditionInput(len(conditions) + 1, ConditionKind.EXCLUSION_ZONE, wording, zone)
            )
        if (data.get("vehicles") or "").strip():
            spec = {"notify_within_days": data.get("notify_within_days") or 0,
                    "vehicles": parse_vehicle_lines(data["vehicles"])}  # fmt: skip
            try:
                spec = normalise_spec(ConditionKind.VEHICLE_NOTIFICATION, spec)
            except SpecError as exc:
                raise forms.ValidationError({"vehicles": str(exc)}) from None
            wording = (f"To notify the police of any vehicle he uses, and of any change, within "
                       f"{spec['notify_within_days']} days.")  # fmt: skip
            conditions.append(
                ConditionInput(len(conditions) + 1, ConditionKind.VEHICLE_NOTIFICATION, wording, spec)
            )
        for line in filter(str.strip, (data.get("other_conditions") or "").splitlines()):
            conditions.append(
                ConditionInput(len(conditions) + 1, ConditionKind.OTHER, line.strip()[:2000], {})
            )
        if not conditions:
            raise forms.ValidationError("An order needs at least one condition.")
        data["conditions"] = conditions
        return data


class VaryForm(ZoneFields):
    effective_on = forms.DateField(label="Varied from", widget=forms.DateInput(attrs=DATE))
    number = forms.IntegerField(label="Condition number", min_value=1, max_value=999)
    action = forms.ChoiceField(
        choices=[("replace", "Replace it with the new version below"), ("remove", "Remove it")],
        widget=forms.RadioSelect, initial="replace",
    )  # fmt: skip
    kind = forms.ChoiceField(choices=ConditionKind.choices, initial=ConditionKind.EXCLUSION_ZONE)
    wording = forms.CharField(label="New wording", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    vehicles = forms.CharField(label="Registered vehicles (vehicle notification)", required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    notify_within_days = forms.IntegerField(label="Days to notify", min_value=0, max_value=365, initial=3)

    def clean(self):
        data = super().clean()
        if data.get("action") == "remove":
            data["change"] = None
            return data
        if not (data.get("wording") or "").strip():
            raise forms.ValidationError({"wording": "Give the condition's new wording."})
        kind = data.get("kind")
        if kind == ConditionKind.EXCLUSION_ZONE:
            spec = self.zone_spec()
            if spec is None:
                raise forms.ValidationError({"zone_geojson": "Draw or upload the zone's boundary."})
        elif kind == ConditionKind.VEHICLE_NOTIFICATION:
            try:
                lines = parse_vehicle_lines(data.get("vehicles") or "")
                spec = normalise_spec(
                    kind, {"notify_within_days": data.get("notify_within_days") or 0, "vehicles": lines}
                )
            except SpecError as exc:
                raise forms.ValidationError({"vehicles": str(exc)}) from None
        else:
            spec = {}
        if kind in (ConditionKind.NAME_ADDRESS_NOTIFICATION, ConditionKind.NO_CONTACT):
            raise forms.ValidationError(
                {"kind": "Vary this kind with `lantern import orders` (JSON) for now."}
            )
        data["change"] = ConditionInput(data["number"], kind, data["wording"], spec)
        return data


class DischargeForm(forms.Form):
    on = forms.DateField(label="Discharged from", widget=forms.DateInput(attrs=DATE))
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class DocumentForm(forms.Form):
    title = forms.CharField(max_length=200)
    file = forms.FileField(help_text="PDF, up to the size limit shown.")


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "any status"), *BreachAlert.Status.choices], required=False)
    mine = forms.BooleanField(label="Assigned to me", required=False)


REVIEWER_ROLES = ("officer", "analyst", "supervisor")


def _reviewers():
    users = get_user_model().objects.filter(is_active=True, groups__name__in=REVIEWER_ROLES)
    return users.distinct().order_by("username")


class AlertActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("assign_me", "assign to me"),
            ("assign", "assign to the person below"),
            *BreachAlert.Status.choices,
        ]
    )
    assignee = forms.ModelChoiceField(label="Assign to", required=False, queryset=_reviewers())
    reason = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("action") == "assign" and not data.get("assignee"):
            self.add_error("assignee", "Choose who is to review the alert.")
        return data
