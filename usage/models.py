"""Budgets: how many tokens or dollars a user or a team may spend per day or month."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from usage.periods import day_bounds, month_bounds

ONE_HOLDER = Q(user__isnull=False, team__isnull=True) | Q(user__isnull=True, team__isnull=False)


class Budget(models.Model):
    class Metric(models.TextChoices):
        TOKENS = "tokens", _("tokens")
        COST = "cost", _("cost (USD)")

    class Period(models.TextChoices):
        DAY = "day", _("day")
        MONTH = "month", _("month")

    # A user's budget counts the turns the user wrote; a team's, the turns in the
    # conversations shared with the team, whoever wrote them.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="budgets",
    )
    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="budgets"
    )
    metric = models.CharField(max_length=10, choices=Metric, default=Metric.COST)
    period = models.CharField(max_length=10, choices=Period, default=Period.MONTH)
    limit = models.DecimalField(
        max_digits=16,
        decimal_places=4,
        validators=[MinValueValidator(0)],
        help_text=_("Tokens, or US dollars, per period."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user_id", "team_id", "metric", "period"]
        constraints = [
            models.CheckConstraint(condition=ONE_HOLDER, name="budget_for_user_or_team"),
            models.UniqueConstraint(
                fields=["user", "metric", "period"],
                condition=Q(user__isnull=False),
                name="one_user_budget_per_metric_and_period",
            ),
            models.UniqueConstraint(
                fields=["team", "metric", "period"],
                condition=Q(team__isnull=False),
                name="one_team_budget_per_metric_and_period",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(holder)s: %(kind)s of %(limit)s") % {
            "holder": self.holder_label,
            "kind": self.kind,
            "limit": self.limit,
        }

    def clean(self) -> None:
        if (self.user_id is None) == (self.team_id is None):
            raise ValidationError(
                gettext("A budget belongs to a user or to a team: choose exactly one.")
            )

    @property
    def kind(self) -> str:
        """As a person says it: "daily token budget", "monthly cost budget"."""
        return str(KINDS[(self.period, self.metric)])

    @property
    def holder_label(self) -> str:
        if self.user_id:
            return gettext("user %(name)s") % {"name": self.user}
        return gettext("team %(name)s") % {"name": self.team}

    def current_period(self, now: datetime | None = None) -> tuple[datetime, datetime]:
        """When the period containing ``now`` began and when the next one begins."""
        bounds = day_bounds if self.period == self.Period.DAY else month_bounds
        return bounds(now or timezone.now())


KINDS = {
    (Budget.Period.DAY, Budget.Metric.TOKENS): _("daily token budget"),
    (Budget.Period.DAY, Budget.Metric.COST): _("daily cost budget"),
    (Budget.Period.MONTH, Budget.Metric.TOKENS): _("monthly token budget"),
    (Budget.Period.MONTH, Budget.Metric.COST): _("monthly cost budget"),
}
