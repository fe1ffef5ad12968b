"""Image files as HTTP responses: the one place that turns a stored Image into bytes.

Every route to a file (the conversation's, a gallery's, a public link's) checks access
first and then calls ``serve_image``; none of them exposes the storage path.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest

from conversations.models import Image

# Private media: cached by this browser only, never by a shared cache.
PRIVATE_CACHE = "private, max-age=86400, immutable"


def serve_image(
    request: HttpRequest, image: Image, *, cache_control: str = PRIVATE_CACHE
) -> FileResponse:
    """The image; its WebP preview with ``?preview=1``, its WebP thumbnail with
    ``?thumbnail=1``; an attachment with ``?download=1``."""
    return image_response(
        image,
        preview=bool(request.GET.get("preview")),
        thumbnail=bool(request.GET.get("thumbnail")),
        download=bool(request.GET.get("download")),
        cache_control=cache_control,
    )


def image_response(
    image: Image,
    *,
    preview: bool = False,
    thumbnail: bool = False,
    download: bool = False,
    cache_control: str,
) -> FileResponse:
    # An image stored without a preview or thumbnail is served whole rather than not at all;
    # a download is always the whole image.
    field, content_type = image.file, image.content_type
    if preview and image.preview and not download:
        field, content_type = image.preview, "image/webp"
    elif thumbnail and image.thumbnail and not download:
        field, content_type = image.thumbnail, "image/webp"
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        # A row whose file is gone (removed by moderation, or never written) is not found.
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = cache_control
    # Never sniffed into something a browser would run.
    response["X-Content-Type-Options"] = "nosniff"
    if download:
        response["Content-Disposition"] = (
            f'attachment; filename="studio-{image.turn_id}-{image.pk}.{image.format}"'
        )
    return response
