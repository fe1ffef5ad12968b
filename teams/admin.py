from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from teams.models import Invitation, Membership, Team


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "member_count", "moderation", "created_by", "created_at"]
    list_filter = ["moderation", "created_at"]
    search_fields = ["name", "memberships__user__username"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(members=Count("memberships"))

    @admin.display(description=_("members"), ordering="members")
    def member_count(self, team: Team) -> int:
        return team.members


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role", "joined_at"]
    list_filter = ["role", "team"]
    search_fields = ["user__username", "team__name"]
    autocomplete_fields = ["user", "team"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["team", "invited_user", "role", "created_by", "expires_at", "accepted_at"]
    list_filter = ["role", "expires_at"]
    search_fields = ["team__name", "invited_user__username"]
    readonly_fields = ["token"]
