"""Image files as HTTP responses: the one place that turns a stored Image into bytes.

Every route to a file (the conversation's, a gallery's, a public link's) checks access
first and then calls ``serve_image``; none of them exposes the storage path. Files on disk
are streamed; files in S3 are answered with a redirect to a presigned URL that expires
soon, so their bytes never pass through this server.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect

from conversations.models import Image

# Private media: cached by this browser only, never by a shared cache.
PRIVATE_CACHE = "private, max-age=86400, immutable"


def serve_image(
    request: HttpRequest, image: Image, *, cache_control: str = PRIVATE_CACHE
) -> HttpResponse:
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
) -> HttpResponse:
    # An image stored without a preview or thumbnail is served whole rather than not at all;
    # a download is always the whole image.
    field, content_type = image.file, image.content_type
    if preview and image.preview and not download:
        field, content_type = image.preview, "image/webp"
    elif thumbnail and image.thumbnail and not download:
        field, content_type = image.thumbnail, "image/webp"
    if not field:
        # Removed by moderation, or never written.
        raise Http404
    disposition = (
        f'attachment; filename="studio-{image.turn_id}-{image.pk}.{image.format}"'
        if download
        else None
    )
    if not isinstance(field.storage, FileSystemStorage):
        return _redirect_to_storage(field, content_type=content_type, disposition=disposition)
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        # A row whose file is gone is not found.
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = cache_control
    # Never sniffed into something a browser would run.
    response["X-Content-Type-Options"] = "nosniff"
    if disposition:
        response["Content-Disposition"] = disposition
    return response


def _redirect_to_storage(
    field: FieldFile, *, content_type: str, disposition: str | None
) -> HttpResponseRedirect:
    """A redirect to a presigned URL that answers with the file's bytes and these headers.

    The redirect may be reused for half the URL's life, so a cached one never points at an
    expired URL.
    """
    lifetime = settings.MEDIA_PRESIGNED_SECONDS
    parameters = {"ResponseContentType": content_type}
    if disposition:
        parameters["ResponseContentDisposition"] = disposition
    url = field.storage.url(field.name, parameters=parameters, expire=lifetime)
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = f"private, max-age={lifetime // 2}"
    return response
