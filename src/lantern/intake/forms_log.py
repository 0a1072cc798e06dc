"""The intelligence log form, its entity links, and the 5x5x5 grade shown back for confirmation."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms

from lantern.engine.grading import GradeError, ParsedGrade, grade_validate, parse_5x5x5
from lantern.intake.forms_triage import DATETIME_INPUT_FORMATS, readable_text
from lantern.intake.selectors_triage import LinkNotFound, log_link_resolve
from lantern.intake.services.intel_log import MAX_LINKS, MAX_SOURCE_DETAILS, MAX_TEXT
from lantern.intel.models import Entity, HandlingCode, IntelligenceAssessment, LinkRole, SourceEvaluation

BLANK_ROWS = 3


class LogForm(forms.Form):
    occurred_at = forms.DateTimeField(
        label="When it happened",
        input_formats=DATETIME_INPUT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="UK time. When what is reported happened or was seen, not when you write it up.",
    )
    text = forms.CharField(
        label="The information as received",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_TEXT,
        required=False,
        help_text="In the source's words. Only analysts and supervisors see this text.",
        validators=[readable_text],
    )
    sanitised_text = forms.CharField(
        label="Sanitised text: what can be shared",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_TEXT,
        validators=[readable_text],
        help_text=(
            "The same information with everything that could identify the source taken out (who "
            "told you, how they know, where they were). This is what officers read and what may be "
            "shared onward."
        ),
    )
    source_details = forms.CharField(
        label="Source details (restricted)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_SOURCE_DETAILS,
        required=False,
        validators=[readable_text],
        help_text=(
            "Who the source is and how to reach them. Kept apart: only analysts and supervisors see it."
        ),
    )
    source_evaluation = forms.ChoiceField(
        label="Source evaluation", choices=[("", "Choose..."), *SourceEvaluation.choices], required=False
    )
    intelligence_assessment = forms.ChoiceField(
        label="Intelligence assessment",
        choices=[("", "Choose..."), *IntelligenceAssessment.choices],
        required=False,
    )
    handling_code = forms.ChoiceField(
        label="Handling code", choices=[("", "Choose..."), *HandlingCode.choices], required=False
    )
    handling_conditions = forms.CharField(
        label="Handling conditions",
        max_length=300,
        required=False,
        help_text="Required with handling code C: who may receive it and on what terms.",
        validators=[readable_text],
    )
    grade_5x5x5 = forms.CharField(
        label="Or a 5x5x5 grade",
        max_length=40,
        required=False,
        help_text="For example B23. It is converted to 3x5x2 and shown back for you to check before saving.",
    )
    # The 5x5x5 grade already shown back: when it is unchanged, the selects are taken as confirmed.
    confirmed_5x5x5 = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    GRADE_FIELDS = ("source_evaluation", "intelligence_assessment", "handling_code")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mapped: ParsedGrade | None = None  # a 5x5x5 grade to show back before saving
        for name in self.GRADE_FIELDS:
            # Not required by the form (a 5x5x5 grade may fill them), but every entry needs them.
            self.fields[name].lantern_required = True

    def clean(self):
        data = super().clean()
        five = (data.get("grade_5x5x5") or "").strip()
        if five:
            try:
                parsed = parse_5x5x5(five)
            except GradeError as exc:
                self.add_error("grade_5x5x5", str(exc))
                return data
            if data.get("confirmed_5x5x5") != parsed.original:
                self.mapped = parsed
                return data
        missing = [name for name in self.GRADE_FIELDS if not data.get(name)]
        for name in missing:
            self.add_error(name, f"Choose the {self.fields[name].label.lower()}: every entry must be graded.")
        if not missing and "handling_conditions" not in self.errors:
            try:
                grade_validate(
                    *(data[name] for name in self.GRADE_FIELDS), data.get("handling_conditions", "")
                )
            except GradeError as exc:
                name, message = str(exc).split(":", 1)
                self.add_error(name.replace(" ", "_"), message.strip())
        return data

    def show_back(self) -> LogForm:
        """A new form with the mapped 5x5x5 grade in the 3x5x2 fields, to check and save again."""
        assert self.mapped is not None
        data = self.data.copy()
        grade = self.mapped.grade
        data["source_evaluation"] = grade.source_evaluation
        data["intelligence_assessment"] = grade.intelligence_assessment
        data["handling_code"] = grade.handling_code
        data["handling_conditions"] = grade.handling_conditions
        data["confirmed_5x5x5"] = self.mapped.original
        shown = LogForm(data)
        shown.is_valid()
        shown.shown_back = self.mapped
        return shown


@dataclass
class LinkRow:
    """One link typed on the form: what was typed, the role, and what it resolved to (or why not)."""

    ref: str = ""
    role: str = ""
    entity: Entity | None = None
    error: str = ""
    number: int = 0
    key: str = ""  # for element ids: the row number, or the record's id for a row added by search

    @property
    def dom_key(self) -> str:
        return self.key or str(self.number)


@dataclass
class LinkRows:
    rows: list[LinkRow] = field(default_factory=list)
    error: str = ""

    @property
    def valid(self) -> bool:
        return not self.error and not any(row.error for row in self.rows)

    def links(self) -> list[tuple[str, object]]:
        return [(row.role, row.entity.pk) for row in self.rows if row.entity is not None]


ROLE_CHOICES = LinkRole.choices


def blank_rows(count: int = BLANK_ROWS, start: int = 1) -> list[LinkRow]:
    return [LinkRow(role=LinkRole.SUBJECT, number=start + i) for i in range(count)]


def link_rows_from_post(user, post) -> LinkRows:
    """The ``link_ref``/``link_role`` pairs, resolved to records; blank rows are ignored."""
    refs, roles = post.getlist("link_ref"), post.getlist("link_role")
    result = LinkRows()
    if len(refs) > MAX_LINKS * 2 or len(refs) != len(roles):
        result.error = f"Links: send at most {MAX_LINKS} links, each with a role."
        return result
    for number, (ref, role) in enumerate(zip(refs, roles, strict=True), start=1):
        row = LinkRow(ref=ref.strip()[:200], role=role, number=number)
        result.rows.append(row)
        if not row.ref:
            continue
        if role not in LinkRole.values:
            row.error = "Choose a role from the list."
            continue
        try:
            row.entity = log_link_resolve(user, row.ref)
        except LinkNotFound as exc:
            row.error = str(exc)[0].upper() + str(exc)[1:]
    if len([row for row in result.rows if row.ref]) > MAX_LINKS:
        result.error = f"Links: at most {MAX_LINKS}; link the rest from the report's page."
    return result
