"""Forms for safeguarding tasks and referrals: they check the shape of what is typed.

The rules (consent, the anonymity of an MS1, what a task may be about) are the services'; a
``SafeguardingError`` they raise is put back on the named field, so the page says what to do.
Every field has a length limit, and a subject or person is typed as its record id (the pages that
link here, a person's or a place's, fill it in).
"""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib.auth import get_user_model

from lantern.governance.restrictions import hidden_ids
from lantern.intake.forms_triage import DATETIME_INPUT_FORMATS, readable_text
from lantern.intel.models import Entity, EntityKind, Person
from lantern.safeguarding import services
from lantern.safeguarding.models import AgeBand, ExploitationType, Referral, Task
from lantern.safeguarding.selectors import TASK_STATES

SAFEGUARDING_ROLES = ("analyst", "officer", "supervisor")
DATE = {"type": "date"}


def _owners():
    users = get_user_model().objects.filter(is_active=True, groups__name__in=SAFEGUARDING_ROLES)
    return users.distinct().order_by("username")


def _record_id(value: str, what: str) -> UUID:
    try:
        return UUID(str(value).strip())
    except ValueError:
        raise forms.ValidationError(
            f"That is not a Lantern record id. Open the {what}'s page and start from there, or copy the "
            "id from the end of its address (for example 3f2b...-...)."
        ) from None


def owner_label(user) -> str:
    return user.get_username()


class TaskFilterForm(forms.Form):
    state = forms.ChoiceField(label="Status", required=False, choices=list(TASK_STATES.items()))
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "any"), *Task.Kind.choices])
    mine = forms.BooleanField(label="Only mine", required=False)

    def values(self) -> dict:
        if not self.is_valid():
            return {"state": "open", "kind": "", "mine": False}
        data = self.cleaned_data
        return {"state": data["state"] or "open", "kind": data["kind"], "mine": data["mine"]}


class TaskForm(forms.Form):
    subject = forms.CharField(
        label="About (person or place record id)",
        max_length=64,
        help_text="Filled in when you start from a person's or a place's page.",
    )
    kind = forms.ChoiceField(label="Kind of task", choices=Task.Kind.choices)
    title = forms.CharField(
        label="What is to be done", max_length=services.MAX_TITLE, validators=[readable_text]
    )
    due_on = forms.DateField(
        label="Due on", widget=forms.DateInput(attrs=DATE), help_text="For example 2026-11-30."
    )
    owner = forms.ModelChoiceField(
        label="Owner", required=False, queryset=_owners(), empty_label="nobody yet"
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[readable_text],
        help_text="What the owner needs to know: risks at the address, who to ask for, interpreters.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user  # a restricted record off this user's list is "no such record"
        self.fields["owner"].queryset = _owners()
        self.fields["owner"].label_from_instance = owner_label

    def clean_subject(self) -> Entity:
        pk = _record_id(self.cleaned_data["subject"], "person or place")
        entity = (
            Entity.objects.filter(pk=pk, kind__in=(EntityKind.PERSON, EntityKind.LOCATION))
            .exclude(pk__in=hidden_ids(self.user))
            .first()
        )
        if entity is None:
            raise forms.ValidationError(
                "No person or place has that id. Open the person's or place's page and start the task there."
            )
        return entity


class TaskCloseForm(forms.Form):
    action = forms.ChoiceField(
        label="Close the task as",
        choices=[("done", "done, with the outcome below"), ("cancelled", "cancelled, with the reason below")],
        widget=forms.RadioSelect,
    )
    outcome = forms.CharField(
        label="Outcome, or why it is cancelled",
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[readable_text],
        help_text="For a visit: who was seen, how they were, what was offered or done.",
    )
    visited_at = forms.DateTimeField(
        label="When the visit took place",
        required=False,
        input_formats=DATETIME_INPUT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="UK time. Leave empty for now. Only for welfare visits and warrants.",
    )


class ReferralForm(forms.Form):
    """One form for both kinds: an MS1 has no person field and no consent or child question."""

    person = forms.CharField(
        label="Person (record id)",
        max_length=64,
        help_text="Filled in when you start from the person's page.",
    )
    is_child = forms.TypedChoiceField(
        label="Is the person a child (under 18)?",
        choices=[("no", "no, an adult"), ("yes", "yes, or may be: treat as a child")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        label="The adult has given informed consent to the referral",
        required=False,
        help_text="Not needed for a child. If an adult declines, record an MS1 instead.",
    )
    age_band = forms.ChoiceField(label="Age band", choices=AgeBand.choices)
    exploitation_types = forms.MultipleChoiceField(
        label="Type of exploitation",
        choices=ExploitationType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick all that apply; 'not yet known' if unsure.",
    )
    indicators = forms.CharField(
        label="Indicators seen",
        required=False,
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[readable_text],
        help_text="What was seen or said that points to exploitation.",
    )
    nationality = forms.CharField(
        label="Nationality",
        required=False,
        max_length=services.MAX_NATIONALITY,
        validators=[readable_text],
        help_text="The Home Office asks for it. Lantern never uses it in any score.",
    )
    first_responder = forms.CharField(
        label="First responder organisation",
        max_length=services.MAX_RESPONDER,
        validators=[readable_text],
        initial="Cambridgeshire Constabulary",
    )
    about = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, kind: str = Referral.Kind.NRM, user=None, **kwargs):
        self.user = user  # a restricted record off this user's list is "no such person"
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == Referral.Kind.MS1:
            for name in ("person", "is_child", "consent"):
                del self.fields[name]
            self.fields["indicators"].help_text = (
                "What was seen, without the person's name or anything else that identifies them: "
                "an MS1 is anonymous."
            )
        else:
            del self.fields["about"]

    def _person(self, value: str, what: str = "person") -> Person:
        pk = _record_id(value, what)
        person = Person.objects.filter(pk=pk).exclude(pk__in=hidden_ids(self.user)).first()
        if person is None:
            raise forms.ValidationError(
                "No person has that id. Open the person's page and start the referral there."
            )
        return person

    def clean_person(self) -> Person:
        return self._person(self.cleaned_data["person"])

    def clean_about(self) -> Person | None:
        value = self.cleaned_data.get("about") or ""
        if not value.strip():
            return None
        try:
            return self._person(value)
        except forms.ValidationError:
            return None  # only used to check the text names nobody
