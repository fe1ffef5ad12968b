from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from usage.models import Budget


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ("id", "holder", "metric", "period", "limit", "updated_at")
    list_filter = ("metric", "period", ("team", admin.EmptyFieldListFilter))
    search_fields = ("user__username", "team__name")
    raw_id_fields = ("user", "team")
    fields = ("user", "team", "metric", "period", "limit")

    @admin.display(description=_("for"), ordering="user__username")
    def holder(self, budget: Budget) -> str:
        return budget.holder_label
