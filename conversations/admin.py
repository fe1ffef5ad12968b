from django.contrib import admin
from django.utils.html import format_html

from conversations.models import Conversation, Image, Turn
from conversations.presenters import image_url


class ImageInline(admin.TabularInline):
    model = Image
    extra = 0
    fields = (
        "preview",
        "role",
        "position",
        "partial_index",
        "width",
        "height",
        "format",
        "bytes",
        "image_call_id",
    )
    readonly_fields = fields
    can_delete = False

    @admin.display(description="preview")
    def preview(self, image: Image) -> str:
        return format_html(
            '<img src="{}" style="max-height:64px">', image_url(image, thumbnail=True)
        )


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "owner", "provider_profile", "last_sequence", "updated_at")
    list_filter = ("provider_profile",)
    search_fields = ("title", "owner__username")
    raw_id_fields = ("owner",)


@admin.register(Turn)
class TurnAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "conversation",
        "author",
        "api_mode",
        "image_model",
        "status",
        "continuation",
        "attempts",
        "total_tokens",
        "cost",
        "queued_at",
    )
    list_filter = ("status", "api_mode", "image_model", "continuation")
    search_fields = ("prompt", "revised_prompt", "response_id", "author__username")
    raw_id_fields = ("conversation", "parent", "author")
    inlines = [ImageInline]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ("id", "preview", "turn", "role", "width", "height", "format", "bytes")
    list_filter = ("role", "format")
    search_fields = ("sha256", "image_call_id")
    raw_id_fields = ("turn",)

    @admin.display(description="preview")
    def preview(self, image: Image) -> str:
        return format_html(
            '<img src="{}" style="max-height:48px">', image_url(image, thumbnail=True)
        )
