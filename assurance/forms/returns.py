"""Forms of the assurance returns: starting one, entering a section, workflow steps."""

from decimal import Decimal
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from lmns import text
from lmns.forms import DateField, ModelChoiceField, PeriodChoiceField

from ..models import ComplianceStatus, Framework, SectionRating
from ..services import Declaration, UploadedEvidence

PERCENT_MESSAGE = "A per cent must be between 0 and 100."
PERCENT_VALIDATORS = [
    MinValueValidator(0, message=PERCENT_MESSAGE),
    MaxValueValidator(100, message=PERCENT_MESSAGE),
]

# What each allowed kind of file must start with; text kinds are checked separately.
MAGIC = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}
TEXT_KINDS = {"csv", "txt"}
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "csv": "text/csv",
    "txt": "text/plain",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}


def check_evidence_file(upload: UploadedFile) -> str:
    """Refuse files too large, of a kind not allowed, or whose content is not what the name says.

    Returns the content type to serve the file with.
    """
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    allowed = settings.EVIDENCE_ALLOWED_EXTENSIONS
    name = upload.name or ""
    if upload.size > limit:
        raise forms.ValidationError(
            f"“{name}” is {filesizeformat(upload.size)}; files may be at most "
            f"{filesizeformat(limit)}."
        )
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in allowed:
        raise forms.ValidationError(
            f"“{name}” is not an allowed kind of file. Upload one of: {', '.join(sorted(allowed))}."
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(EXECUTABLE_MAGIC):
        looks_right = False
    elif extension in TEXT_KINDS:
        looks_right = b"\x00" not in head
    else:
        looks_right = head.startswith(MAGIC.get(extension, (b"\x00\x00never",)))
    if not looks_right:
        raise forms.ValidationError(
            f"“{name}” does not look like a real .{extension} file, so it was not accepted. "
            "Save it again from the program that made it and upload that."
        )
    return CONTENT_TYPES.get(extension, "application/octet-stream")


class StartReturnForm(forms.Form):
    framework = ModelChoiceField(queryset=Framework.objects.filter(active=True), empty_label=None)
    period = PeriodChoiceField(
        periods=lambda begun: begun.filter(is_open=True),
        empty_label=None,
        label="Reporting period",
    )


class VersionForm(forms.Form):
    """The return's version when the page was opened: a later save by someone else wins."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AnswerForm(forms.Form):
    """One requirement's answer. Nothing is required here: a draft may be incomplete."""

    requirement = text.one_line_field(
        max_length=20,
        widget=forms.HiddenInput,
        required=False,
        help_text="The requirement's code, so input never lands on another requirement.",
    )
    status = forms.ChoiceField(
        choices=[("", "Not yet assessed"), *ComplianceStatus.choices], required=False
    )
    percent = forms.DecimalField(
        label="Per cent compliant",
        required=False,
        max_digits=5,
        decimal_places=1,
        validators=PERCENT_VALIDATORS,
        help_text="0 to 100, if measured.",
    )
    narrative = text.narrative_field(
        required=False, help_text="Needed unless fully met or not applicable."
    )
    evidence = text.narrative_field(label="Evidence (text and links)", rows=2, required=False)
    new_file = forms.FileField(label="Add an evidence file", required=False)
    new_file_date = DateField(
        label="Date the file's evidence speaks for",
        required=False,
        help_text="E.g. the date of the audit or of the meeting. Left blank, the upload date "
        "stands in, shown as “date not stated”.",
    )
    no_patient_data = forms.BooleanField(
        label="This file holds no patient-identifiable information",
        required=False,
        help_text="No NHS or hospital numbers, no names, addresses or dates of birth of women, "
        "babies or families. Take such details out of the file before uploading it.",
    )

    def __init__(self, *args, reports_percent: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not reports_percent:
            del self.fields["percent"]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
        self.fields["status"].widget.attrs["class"] = "form-select"
        self.fields["no_patient_data"].widget.attrs["class"] = "form-check-input"
        self.content_type = ""

    def clean_new_file(self):
        upload = self.cleaned_data.get("new_file")
        if upload:
            self.content_type = check_evidence_file(upload)
        return upload

    def clean_new_file_date(self):
        value = self.cleaned_data.get("new_file_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(
                "Evidence speaks for a date that has passed: give today's date or an earlier one."
            )
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_file") and not cleaned.get("no_patient_data"):
            self.add_error(
                "no_patient_data",
                "Confirm that the file holds no patient-identifiable information. If it does, "
                "take those details out of it first: this service must hold none.",
            )
        return cleaned

    @property
    def summary_label(self) -> str:
        """How the error summary names this answer: by its requirement's code."""
        code = self["requirement"].value()
        return f"Requirement {code}" if code else ""

    def values(self) -> dict:
        """The answer's fields as entered; per cent is absent when the framework does not ask."""
        return dict(self.cleaned_data)


class AnswerFormSet(forms.BaseFormSet):
    """A section's answer forms, one per requirement in the section's order."""

    def requirements_changed(self, answers: list) -> bool:
        """Whether a form was posted for another requirement than the answer in its place."""
        return any(
            form.cleaned_data.get("requirement") not in ("", answer.requirement.code)
            for answer, form in zip(answers, self, strict=True)
        )

    def values(self) -> list[dict]:
        return [form.values() for form in self]

    def uploads(self, answers: list) -> list[UploadedEvidence]:
        """The new evidence files, each with the answer it belongs to."""
        return [
            UploadedEvidence(
                answer,
                form.cleaned_data["new_file"],
                form.content_type,
                no_patient_data=form.cleaned_data["no_patient_data"],
                effective_date=form.cleaned_data.get("new_file_date"),
            )
            for answer, form in zip(answers, self, strict=True)
            if form.cleaned_data.get("new_file")
        ]


def answer_formset(count: int):
    """A formset of exactly ``count`` answer forms, one per requirement of the section."""
    return forms.formset_factory(
        AnswerForm,
        formset=AnswerFormSet,
        extra=0,
        min_num=count,
        max_num=count,
        validate_min=True,
        validate_max=True,
    )


class ActionForm(VersionForm):
    comment = text.short_text_field(rows=4, required=False)

    def __init__(self, *args, comment_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if comment_label:
            self.fields["comment"].label = comment_label
            self.fields["comment"].required = True
            self.fields["comment"].error_messages["required"] = (
                f"{comment_label}: a comment is required."
            )
        else:
            self.fields["comment"].label = "Comment (optional)"


class SubmitForm(ActionForm):
    """Submitting: the lead declares who signed the return off at the trust (name, role, date)
    and confirms it."""

    signed_off_name = text.one_line_field(
        label="Signed off at the trust by",
        help_text="Their full name.",
        error_messages={"required": "Name who signed the return off at the trust."},
    )
    signed_off_role = text.one_line_field(
        label="Their role",
        help_text="E.g. Director of Midwifery.",
        error_messages={"required": "Give the role of the person who signed it off."},
    )
    signed_off_on = DateField(
        label="Date they signed it off",
        error_messages={"required": "Give the date they signed the return off."},
    )
    confirm = forms.BooleanField(
        label=(
            "I confirm that the person named above signed this return off at the trust, and "
            "that it is complete and accurate to the best of my knowledge."
        ),
        error_messages={"required": "Tick to confirm the declaration before submitting."},
    )

    def clean_signed_off_on(self):
        value = self.cleaned_data["signed_off_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The sign-off date cannot be in the future.")
        return value

    def declaration(self) -> Declaration:
        return Declaration(
            name=self.cleaned_data["signed_off_name"],
            role=self.cleaned_data["signed_off_role"],
            signed_off_on=self.cleaned_data["signed_off_on"],
        )


class AssureForm(ActionForm):
    """Sign-off: each section's agreed per cent starts at the derived figure; changes need a reason."""

    def __init__(self, *args, ratings: list[SectionRating], **kwargs):
        super().__init__(*args, **kwargs)
        self.ratings = ratings
        for rating in ratings:
            self.fields[f"agreed_{rating.section_id}"] = forms.DecimalField(
                label=f"{rating.section.code} agreed per cent",
                required=False,
                max_digits=5,
                decimal_places=1,
                validators=PERCENT_VALIDATORS,
                initial=rating.derived_percent,
            )
            self.fields[f"reason_{rating.section_id}"] = text.short_text_field(
                label=f"{rating.section.code} reason for a change", required=False
            )

    def clean(self):
        cleaned = super().clean()
        for rating in self.ratings:
            agreed_key = f"agreed_{rating.section_id}"
            reason_key = f"reason_{rating.section_id}"
            if agreed_key not in cleaned:
                continue
            if (
                cleaned[agreed_key] != rating.derived_percent
                and not cleaned.get(reason_key, "").strip()
            ):
                self.add_error(
                    reason_key,
                    f"{rating.section.code}: you changed the agreed per cent from the derived "
                    "figure, so give a reason.",
                )
        return cleaned

    def agreed(self) -> dict[int, tuple[Decimal | None, str]]:
        return {
            rating.section_id: (
                self.cleaned_data[f"agreed_{rating.section_id}"],
                self.cleaned_data.get(f"reason_{rating.section_id}", ""),
            )
            for rating in self.ratings
        }

    def rows(self):
        return [
            (rating, self[f"agreed_{rating.section_id}"], self[f"reason_{rating.section_id}"])
            for rating in self.ratings
        ]
