"""Drawing one requested image (fresh, edit or variation) plus its partial previews.

Runs in a worker thread: Pillow work must not block the event loop serving other streams."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from PIL import Image

from upstream.simulator import drawing
from upstream.simulator.options import ImageOptions, drawing_quality


@dataclass
class ImageTask:
    prompt: str
    options: ImageOptions
    base: Image.Image | None = None
    mask: Image.Image | None = None
    salt: str = ""
    variation_index: int | None = None


@dataclass
class Rendered:
    b64: str
    png: bytes  # lossless copy kept for later edits
    partials_b64: list[str] = field(default_factory=list)


def render(task: ImageTask) -> Rendered:
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
        )
    else:
        img = drawing.draw(
            task.prompt,
            opts.size,
            quality=drawing_quality(opts.quality),
            transparent=opts.transparent,
            salt=task.salt,
        )
    final = drawing.encode(img, opts.output_format, opts.output_compression)
    png = final if opts.output_format == "png" else drawing.encode(img, "png")
    partials = [
        _b64(
            drawing.encode(
                drawing.partial(img, i, opts.partial_images),
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
    return _b64(drawing.encode(drawing.partial(img, 0, 3), task.options.output_format))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
