"""Moderation in the Django admin: decisions go through the services, so each is audited."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from conversations.presenters import image_preview
from moderation import services
from moderation.models import AccountStanding, BlockedTerm, Case, Decision, Flag


class FlagInline(admin.TabularInline):
    model = Flag
    extra = 0
    fields = ("reporter", "reason", "note", "gallery_item", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    fields = ("created_at", "actor", "action", "subject", "note", "image_ids")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def _decide_action(action: Decision.Action, description: str):
    @admin.action(description=description)
    def run(modeladmin, request: HttpRequest, queryset: QuerySet[Case]) -> None:
        cases = list(queryset.select_related("turn__author", "image"))
        services.decide_cases(actor=request.user, cases=cases, action=action)
        decided = ngettext(
            "%(action)s: %(count)s case.", "%(action)s: %(count)s cases.", len(cases)
        ) % {"action": action.label, "count": len(cases)}
        modeladmin.message_user(request, decided, messages.SUCCESS)

    run.__name__ = f"decide_{action}"
    return run


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "preview",
        "kind",
        "status",
        "resolution",
        "author",
        "flag_count",
        "provider_code",
        "opened_at",
        "updated_at",
    )
    list_filter = ("status", "kind", "resolution", "flags__reason", "opened_at")
    search_fields = ("turn__prompt", "turn__author__username", "provider_code", "flags__note")
    list_select_related = ("turn__author", "image")
    readonly_fields = (
        "preview",
        "kind",
        "turn",
        "image",
        "status",
        "resolution",
        "provider_code",
        "provider_message",
        "provider_categories",
        "opened_at",
        "updated_at",
        "decided_at",
        "decided_by",
    )
    fields = readonly_fields
    inlines = [FlagInline, DecisionInline]
    actions = [
        _decide_action(Decision.Action.KEEP, _("Keep: show the images again")),
        _decide_action(Decision.Action.HIDE, _("Hide from everyone but staff")),
        _decide_action(Decision.Action.REMOVE, _("Remove and delete the files")),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(flag_total=Count("flags", distinct=True))

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("preview"))
    def preview(self, case: Case):
        return image_preview(case.image)

    @admin.display(description=_("author"), ordering="turn__author__username")
    def author(self, case: Case) -> str:
        return case.turn.author.get_username()

    @admin.display(description=_("flags"), ordering="flag_total")
    def flag_count(self, case: Case) -> int:
        return case.flag_total


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ("id", "preview", "reason", "reporter", "case", "note", "created_at")
    list_filter = ("reason", "created_at")
    search_fields = ("reporter__username", "note", "case__turn__prompt")
    list_select_related = ("reporter", "case__image")
    raw_id_fields = ("case", "reporter", "gallery_item")
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description=_("preview"))
    def preview(self, flag: Flag):
        return image_preview(flag.case.image)


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    """The audit trail: read only, for everyone."""

    list_display = ("created_at", "actor", "action", "subject", "case", "turn_id", "note")
    list_filter = ("action", "created_at")
    search_fields = ("actor__username", "subject__username", "note")
    list_select_related = ("actor", "subject", "case")
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SuspendedFilter(admin.SimpleListFilter):
    title = "suspended"
    parameter_name = "suspended"

    def lookups(self, request, model_admin):
        return [("yes", "Suspended"), ("no", "Not suspended")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(suspended_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(suspended_at__isnull=True)
        return queryset


@admin.register(AccountStanding)
class AccountStandingAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "warned_count",
        "last_warned_at",
        "warning_reason",
        "suspended_at",
        "suspension_reason",
    )
    list_filter = (SuspendedFilter, "last_warned_at")
    search_fields = ("user__username", "warning_reason", "suspension_reason")
    list_select_related = ("user",)
    # Changed only through decisions, so that every change is in the audit trail.
    readonly_fields = (
        "user",
        "warned_count",
        "last_warned_at",
        "warning_reason",
        "warning_dismissed_at",
        "suspended_at",
        "suspension_reason",
        "updated_at",
    )
    actions = ["lift_suspensions"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Lift the suspension"))
    def lift_suspensions(self, request: HttpRequest, queryset: QuerySet[AccountStanding]) -> None:
        lifted = [
            standing
            for standing in queryset.select_related("user")
            if services.lift_suspension(actor=request.user, user=standing.user)
        ]
        lifted_count = ngettext(
            "Lifted %(count)s suspension.", "Lifted %(count)s suspensions.", len(lifted)
        ) % {"count": len(lifted)}
        self.message_user(request, lifted_count, messages.SUCCESS)


@admin.register(BlockedTerm)
class BlockedTermAdmin(admin.ModelAdmin):
    list_display = ("term", "match", "active", "note", "added_by", "updated_at")
    list_editable = ("match", "active")
    list_filter = ("active", "match")
    search_fields = ("term", "note")
    fields = ("term", "match", "active", "note")
    actions = ["activate", "deactivate"]

    def save_model(self, request, obj: BlockedTerm, form, change) -> None:
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Activate"))
    def activate(self, request, queryset) -> None:
        # updated_at moves too: it is how every process notices the list changed.
        queryset.update(active=True, updated_at=timezone.now())

    @admin.action(description=_("Deactivate"))
    def deactivate(self, request, queryset) -> None:
        queryset.update(active=False, updated_at=timezone.now())
