"""Drawing one requested image (fresh, edit or variation) plus its partial previews.

Runs in a worker thread: Pillow work must not block the event loop serving other streams."""

from __future__ import annotations

import base64
import hashlib
import threading
from dataclasses import dataclass, field

from PIL import Image

from upstream.simulator import drawing
from upstream.simulator.options import ImageOptions, drawing_quality
from upstream.simulator.store import LRU


@dataclass
class ImageTask:
    prompt: str
    options: ImageOptions
    base: Image.Image | None = None
    mask: Image.Image | None = None
    salt: str = ""
    variation_index: int | None = None
    # Photographic detail, so encoded sizes match real outputs (drawing, photo).
    realistic: bool = False


@dataclass
class Rendered:
    b64: str
    png: bytes  # lossless copy kept for later edits
    partials_b64: list[str] = field(default_factory=list)


_cache: LRU[Rendered] = LRU(64)
_key_locks: dict[str, threading.Lock] = {}
_key_locks_guard = threading.Lock()


def render(task: ImageTask) -> Rendered:
    """Render once per distinct task: pictures are deterministic, and benchmarks and tests
    send the same prompt from many concurrent streams, which should cost I/O, not CPU."""
    key = _key(task)
    with _key_locks_guard:
        lock = _key_locks.setdefault(key, threading.Lock())
    with lock:
        cached = _cache.get(key)
        if cached is None:
            cached = _render(task)
            _cache.put(key, cached)
    with _key_locks_guard:
        _key_locks.pop(key, None)
    return cached


def _key(task: ImageTask) -> str:
    digest = hashlib.blake2b(
        repr((task.prompt, task.options, task.salt, task.variation_index, task.realistic)).encode()
    )
    for img in (task.base, task.mask):
        if img is not None:
            digest.update(f"{img.mode}{img.size}".encode())
            digest.update(img.tobytes())
    return digest.hexdigest()


def _render(task: ImageTask) -> Rendered:
    opts = task.options
    if task.variation_index is not None and task.base is not None:
        img = drawing.vary(task.base, task.variation_index, opts.size)
    elif task.base is not None:
        img = drawing.edit(
            task.base,
            task.prompt,
            opts.size,
            mask=task.mask,
            transparent=opts.transparent,
            salt=task.salt,
            realistic=task.realistic,
        )
    else:
        img = drawing.draw(
            task.prompt,
            opts.size,
            quality=drawing_quality(opts.quality),
            transparent=opts.transparent,
            salt=task.salt,
            realistic=task.realistic,
        )
    final = drawing.encode(img, opts.output_format, opts.output_compression)
    png = final if opts.output_format == "png" else drawing.encode(img, "png")
    partials = [
        _b64(
            drawing.encode(
                drawing.partial(img, i, opts.partial_images, realistic=task.realistic),
                opts.output_format,
                opts.output_compression,
            )
        )
        for i in range(opts.partial_images)
    ]
    return Rendered(_b64(final), png, partials)


def preview(task: ImageTask, rendered: Rendered) -> str:
    """A single blurred preview, for a cut stream that asked for no partials."""
    img = drawing.decode(rendered.png)
    picture = drawing.partial(img, 0, 3, realistic=task.realistic)
    return _b64(drawing.encode(picture, task.options.output_format))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
