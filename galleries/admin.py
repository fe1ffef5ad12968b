from django.contrib import admin
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from conversations.media import PRIVATE_CACHE, image_response
from galleries.models import Gallery, GalleryItem, PublicLink


class GalleryItemInline(admin.TabularInline):
    model = GalleryItem
    extra = 0
    fields = ("preview", "image", "caption", "added_by", "position", "created_at")
    readonly_fields = ("preview", "image", "added_by", "created_at")
    raw_id_fields = ("image",)
    show_change_link = True

    @admin.display(description=_("preview"))
    def preview(self, item: GalleryItem) -> str:
        return _thumbnail(item, height=48)


class PublicLinkInline(admin.TabularInline):
    model = PublicLink
    extra = 0
    fields = ("token", "created_by", "created_at", "expires_at", "revoked_at")
    readonly_fields = ("token", "created_by", "created_at")


@admin.register(Gallery)
class GalleryAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "team", "created_by", "created_at", "updated_at")
    list_filter = ("team", "created_at")
    search_fields = ("name", "team__name", "created_by__username")
    raw_id_fields = ("team", "created_by")
    inlines = [PublicLinkInline, GalleryItemInline]


@admin.register(GalleryItem)
class GalleryItemAdmin(admin.ModelAdmin):
    list_display = ("id", "preview", "gallery", "caption", "added_by", "position", "created_at")
    list_filter = ("gallery__team", "image__moderation", "created_at")
    search_fields = ("caption", "image__turn__prompt", "gallery__name", "added_by__username")
    list_select_related = ("gallery", "added_by", "image")
    raw_id_fields = ("gallery", "image", "added_by")
    readonly_fields = ("preview",)

    @admin.display(description=_("preview"))
    def preview(self, item: GalleryItem) -> str:
        return _thumbnail(item, height=64)

    def get_urls(self):
        # Staff are rarely members of the item's team, so the gallery's own media URL would
        # refuse them; this one is behind the admin's login and permission checks instead.
        thumbnail = path(
            "<int:item_id>/thumbnail/",
            self.admin_site.admin_view(self.thumbnail_view),
            name="galleries_galleryitem_thumbnail",
        )
        return [thumbnail, *super().get_urls()]

    def thumbnail_view(self, request: HttpRequest, item_id: int) -> FileResponse:
        if not self.has_view_permission(request):
            raise Http404
        item = get_object_or_404(GalleryItem.objects.select_related("image"), pk=item_id)
        return image_response(item.image, thumbnail=True, cache_control=PRIVATE_CACHE)


@admin.register(PublicLink)
class PublicLinkAdmin(admin.ModelAdmin):
    list_display = ("id", "gallery", "created_by", "created_at", "expires_at", "revoked_at", "open")
    list_filter = ("revoked_at", "expires_at", "gallery__team")
    search_fields = ("gallery__name", "token", "created_by__username")
    raw_id_fields = ("gallery", "created_by")
    readonly_fields = ("token",)

    @admin.display(boolean=True, description=_("open"))
    def open(self, link: PublicLink) -> bool:
        return link.is_open


def _thumbnail(item: GalleryItem, *, height: int) -> str:
    if not item.pk:
        return ""
    url = reverse("admin:galleries_galleryitem_thumbnail", args=[item.pk])
    # A height attribute, not a style one: the Content-Security-Policy refuses inline style.
    return format_html('<img src="{}" alt="" height="{}">', url, height)
