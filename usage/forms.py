from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext

DEFAULT_DAYS = 30
MAX_DAYS = 366
# Well inside what dates and datetimes can hold: the default start (30 days before the end)
# and the day after the end, in any time zone, must exist too.
EARLIEST = date(1970, 1, 1)
LATEST = date(9998, 12, 31)


class DateRangeForm(forms.Form):
    """The days a usage page covers: the last 30 unless chosen, at most a year."""

    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data=None):
        super().__init__(data)
        if not self.is_bound:
            start, end = self.dates()
            self.initial = {"start": start, "end": end}

    def clean(self) -> dict:
        data = super().clean()
        for day in (data.get("start"), data.get("end")):
            if day is not None and not EARLIEST <= day <= LATEST:
                raise forms.ValidationError(
                    gettext("Choose dates between %(earliest)s and %(latest)s.")
                    % {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()}
                )
        end = data.get("end") or timezone.localdate()
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError(gettext("The start date comes after the end date."))
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(
                gettext("Choose at most %(count)s days.") % {"count": MAX_DAYS}
            )
        data["start"], data["end"] = start, end
        return data

    def dates(self) -> tuple[date, date]:
        """The chosen range when valid, else the default one."""
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        end = timezone.localdate()
        return end - timedelta(days=DEFAULT_DAYS - 1), end
