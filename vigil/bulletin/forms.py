"""Forms of the bulletin pages.  Rules are in services; these only read the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.core.forms import TextFormMixin

MAX_UPLOAD = 5 * 1024 * 1024


class IssueForm(TextFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12)
    title = forms.CharField(label=_("Title (optional)"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["month"].initial = today.month


class ArticleForm(TextFormMixin, forms.Form):
    title = forms.CharField(label=_("Title (English)"), max_length=500)
    body = forms.CharField(
        label=_("Text (English)"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Separate paragraphs with a blank line."),
        max_length=100_000,
    )


class SegmentForm(TextFormMixin, forms.Form):
    target = forms.CharField(
        label=_("Russian"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class ImportForm(TextFormMixin, forms.Form):
    file = forms.FileField(
        label=_("XLIFF 2.0 or PO file"),
        help_text=_("A file exported from this issue, translated in your own tool."),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return bytes(upload.read())


class ReviewersForm(TextFormMixin, forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Translators who may review and approve this issue"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["reviewers"]
        field.queryset = User.objects.filter(
            role_assignments__role=Role.TRANSLATOR, is_active=True
        ).distinct()


class GlossaryForm(TextFormMixin, forms.Form):
    source = forms.CharField(label=_("English term"), max_length=200)
    target = forms.CharField(label=_("Approved Russian translation"), max_length=200)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
