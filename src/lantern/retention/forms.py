from django import forms

from lantern.retention.models import RecordKind
from lantern.retention.services import CONFIRM_WORD, MAX_REASON


class QueueFilterForm(forms.Form):
    group = forms.ChoiceField(required=False, label="Group")
    kind = forms.ChoiceField(
        required=False, label="Record", choices=[("", "any record"), *RecordKind.choices]
    )
    overdue = forms.BooleanField(required=False, label="Overdue only")

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "any group")] + [(g.code, f"{g.code}: {g.name}") for g in groups]

    def values(self) -> dict:
        if not self.is_valid():
            return {"group": "", "kind": "", "overdue_only": False}
        data = self.cleaned_data
        return {"group": data["group"], "kind": data["kind"], "overdue_only": data["overdue"]}


class RetainForm(forms.Form):
    reason = forms.CharField(
        label="Why keep it",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_REASON,
        help_text="Kept with the record and in the audit trail: the retention criterion it still meets.",
    )


class DisposeForm(forms.Form):
    reason = forms.CharField(
        label="Why dispose of it",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_REASON,
        help_text="Kept for good in the tombstone and the audit trail: do not name the person.",
    )
    with_resolved = forms.BooleanField(
        required=False,
        label="Also dispose of the records resolved as the same person",
    )
    confirm = forms.CharField(
        label=f"Type {CONFIRM_WORD} to confirm",
        max_length=20,
        help_text="Disposal deletes the record for good; it cannot be undone.",
    )

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value != CONFIRM_WORD:
            raise forms.ValidationError(f"Type {CONFIRM_WORD} in capitals to confirm.")
        return value
