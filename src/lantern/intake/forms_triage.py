"""Forms of the triage pages. They check shape; the services check meaning (and say why)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from lantern.engine.grading import GradeError, grade_validate
from lantern.intake.selectors_triage import assignable_users
from lantern.intel.models import (
    BehaviourType,
    HandlingCode,
    IntelligenceAssessment,
    IntelligenceReport,
    LinkRole,
    SourceEvaluation,
)

DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


def readable_text(value: str) -> None:
    """Refuse text that arrived in another encoding: Django decodes it with U+FFFD in place of each byte."""
    if "\ufffd" in value:
        raise ValidationError(
            "Some characters could not be read (the text was not sent as UTF-8). Retype them, or paste "
            "the text again from its original."
        )


class QueueFilterForm(forms.Form):
    source_type = forms.ChoiceField(
        label="Report type",
        choices=[("", "All report types"), *IntelligenceReport.SourceType.choices],
        required=False,
    )
    assigned = forms.ChoiceField(
        label="Assigned",
        choices=[("", "Anyone, or no one"), ("me", "Assigned to me"), ("none", "Not assigned")],
        required=False,
    )


class MentionActionForm(forms.Form):
    mention = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    role = forms.ChoiceField(choices=[("", "default"), *LinkRole.choices], required=False)


class GradeForm(forms.Form):
    source_evaluation = forms.ChoiceField(label="Source evaluation", choices=SourceEvaluation.choices)
    intelligence_assessment = forms.ChoiceField(
        label="Intelligence assessment", choices=IntelligenceAssessment.choices
    )
    handling_code = forms.ChoiceField(label="Handling code", choices=HandlingCode.choices)
    handling_conditions = forms.CharField(
        label="Handling conditions",
        max_length=300,
        required=False,
        help_text="Required with handling code C: who may receive it and on what terms.",
        validators=[readable_text],
    )

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                grade_validate(
                    data["source_evaluation"],
                    data["intelligence_assessment"],
                    data["handling_code"],
                    data.get("handling_conditions", ""),
                )
            except GradeError as exc:
                self.add_error(str(exc).split(":", 1)[0].replace(" ", "_"), str(exc).split(":", 1)[1].strip())
        return data


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label="Assign to",
        queryset=assignable_users(),
        required=False,
        empty_label="No one (back to the queue)",
        to_field_name="username",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users()  # fresh per request
        self.fields["assignee"].label_from_instance = lambda user: user.get_username()


class IncidentForm(forms.Form):
    behaviours = forms.MultipleChoiceField(
        label="Behaviours and offences",
        choices=[],
        error_messages={"required": "Choose at least one behaviour or offence."},
    )
    occurred_from = forms.DateTimeField(
        label="When it happened",
        input_formats=DATETIME_INPUT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="UK time.",
    )
    description = forms.CharField(
        label="Description",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        required=False,
        help_text="What happened, without anything that identifies the reporter.",
        validators=[readable_text],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["behaviours"].choices = list(BehaviourType.objects.values_list("code", "name"))
