"""The review queue's filters and its decision form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from moderation.models import Case, Decision, Reason
from moderation.selectors import BLOCKED_REASON, QueueFilters
from moderation.services import NOTE_MAX
from teams.models import Team

STATUS_CHOICES = [
    (Case.Status.OPEN, _("Open")),
    (Case.Status.DECIDED, _("Decided")),
    ("", _("All")),
]
REASON_CHOICES = [
    ("", _("Any reason")),
    *Reason.choices,
    (BLOCKED_REASON, _("Blocked by provider")),
]
CONTENT_CHOICES = [(a.value, a.label) for a in Decision.CONTENT_ACTIONS]
AUTHOR_CHOICES = [("", _("Leave the author be"))]
AUTHOR_CHOICES += [(a.value, a.label) for a in Decision.AUTHOR_ACTIONS]
# Django's Simplified Chinese catalog keeps the half-width colon after a label; ours gives
# each language its own.
LABEL_SUFFIX = pgettext_lazy("after a form label", ":")


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=STATUS_CHOICES, required=False, initial=Case.Status.OPEN, label=_("Status")
    )
    reason = forms.ChoiceField(choices=REASON_CHOICES, required=False, label=_("Reason"))
    user = forms.CharField(max_length=150, required=False, label=_("User"))
    team = forms.ModelChoiceField(
        Team.objects.all(), required=False, empty_label=_("Any team"), label=_("Team")
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", LABEL_SUFFIX)
        super().__init__(*args, **kwargs)

    def filters(self) -> QueueFilters:
        """The chosen filters; without a status the open cases are shown."""
        if not self.is_bound or not self.is_valid():
            return QueueFilters()
        data = self.cleaned_data
        return QueueFilters(
            status=data["status"] if "status" in self.data else Case.Status.OPEN,
            reason=data["reason"],
            user=data["user"].strip(),
            team_id=data["team"].pk if data["team"] else None,
        )


class DecisionForm(forms.Form):
    """One decision for one case or many; the cases come as repeated ``case`` ids."""

    action = forms.ChoiceField(choices=CONTENT_CHOICES)
    author_action = forms.ChoiceField(choices=AUTHOR_CHOICES, required=False)
    note = forms.CharField(max_length=NOTE_MAX, required=False, widget=forms.Textarea)
