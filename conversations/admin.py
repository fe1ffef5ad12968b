from django.contrib import admin
from django.db.models import Count, Prefetch
from django.utils.translation import gettext_lazy as _

from conversations.models import Conversation, Image, Turn
from conversations.presenters import image_preview


class ImageInline(admin.TabularInline):
    model = Image
    extra = 0
    fields = (
        "preview_image",
        "role",
        "position",
        "partial_index",
        "width",
        "height",
        "format",
        "bytes",
        "moderation",
        "image_call_id",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("preview"))
    def preview_image(self, image: Image):
        return image_preview(image, height=64)


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "title",
        "owner",
        "team",
        "turn_count",
        "provider_profile",
        "last_sequence",
        "updated_at",
    )
    list_filter = ("provider_profile", "team", "updated_at")
    search_fields = ("title", "owner__username", "team__name")
    list_select_related = ("owner", "team")
    raw_id_fields = ("owner", "team")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(turn_total=Count("turns"))

    @admin.display(description=_("turns"), ordering="turn_total")
    def turn_count(self, conversation: Conversation) -> int:
        return conversation.turn_total


@admin.register(Turn)
class TurnAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "preview",
        "short_prompt",
        "conversation",
        "author",
        "api_mode",
        "image_model",
        "status",
        "error_code",
        "attempts",
        "total_tokens",
        "cost",
        "queued_at",
    )
    list_filter = ("status", "api_mode", "image_model", "continuation", "queued_at")
    search_fields = ("prompt", "revised_prompt", "response_id", "author__username", "error_code")
    list_select_related = ("conversation", "author")
    raw_id_fields = ("conversation", "parent", "author")
    inlines = [ImageInline]

    def get_queryset(self, request):
        finals = Image.objects.filter(role=Image.Role.FINAL)
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("images", queryset=finals, to_attr="final_images"))
        )

    @admin.display(description=_("image"))
    def preview(self, turn: Turn):
        finals = getattr(turn, "final_images", None)
        return image_preview(finals[0] if finals else None)

    @admin.display(description=_("prompt"), ordering="prompt")
    def short_prompt(self, turn: Turn) -> str:
        return turn.prompt if len(turn.prompt) <= 80 else f"{turn.prompt[:79]}…"


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "preview_image",
        "turn",
        "role",
        "moderation",
        "width",
        "height",
        "format",
        "bytes",
        "created_at",
    )
    list_filter = ("role", "moderation", "format", "created_at")
    search_fields = ("sha256", "image_call_id", "turn__prompt", "turn__author__username")
    list_select_related = ("turn",)
    raw_id_fields = ("turn",)
    # Hidden or removed only through the review queue, where each decision is audited.
    # Files are shown by name: private media has no public URL for a file widget to link.
    readonly_fields = ("preview_image", "moderation", "stored_as")
    exclude = ("file", "preview", "thumbnail")

    @admin.display(description=_("preview"))
    def preview_image(self, image: Image):
        return image_preview(image)

    @admin.display(description=_("stored as"))
    def stored_as(self, image: Image) -> str:
        return (
            ", ".join(
                name for name in (image.file.name, image.preview.name, image.thumbnail.name) if name
            )
            or "-"
        )
