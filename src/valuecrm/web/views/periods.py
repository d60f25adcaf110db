"""The span picker shared by the analysis pages: from and to as ISO dates (what
`<input type=date>` sends in every language), defaulting to the last N days."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SpanForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, data=None, *, default_days: int = 90, **kwargs):
        today = timezone.localdate()
        self.default = (today - timedelta(days=default_days - 1), today)
        super().__init__(data, initial={"start": self.default[0], "end": self.default[1]},
                         **kwargs)

    def span(self) -> tuple[date, date]:
        """The chosen span; the default for what is missing or malformed (the form shows
        the field's error), never an end before the start."""
        start, end = self.default
        if self.is_bound and self.is_valid():
            start = self.cleaned_data["start"] or start
            end = self.cleaned_data["end"] or end
        if end < start:
            self.add_error("end", _("The end is before the start."))
            start, end = self.default
        return start, end
