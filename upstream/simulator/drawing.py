"""Pure-Pillow pictures that visibly follow the prompt (and visibly change on an edit).

Nothing here knows about HTTP: the routes call `draw`, `edit`, `vary`, `partials`, `encode`.
Pictures are drawn on a canvas whose long edge is at most `WORK_EDGE` and scaled to the
requested size, so even 3840x2160 stays fast. With ``realistic=True`` the scaled picture gets
photographic detail at full size (`photo`), so it weighs what a real output weighs.
"""

from __future__ import annotations

import hashlib
import io
import random
import re
import zlib
from dataclasses import dataclass, field
from functools import lru_cache

from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps

from upstream.simulator import captions, photo

WORK_EDGE = 1024
RGB = tuple[int, int, int]

COLOURS: dict[str, RGB] = {
    "red": (220, 40, 40), "blue": (40, 90, 220), "green": (40, 170, 70),
    "yellow": (245, 215, 40), "orange": (245, 140, 30), "purple": (140, 60, 190),
    "violet": (150, 80, 210), "pink": (240, 120, 180), "black": (20, 20, 20),
    "white": (245, 245, 245), "gray": (128, 128, 128), "grey": (128, 128, 128),
    "brown": (130, 80, 40), "cyan": (40, 200, 220), "teal": (30, 140, 140),
    "gold": (212, 175, 55), "golden": (212, 175, 55), "silver": (190, 190, 200),
    "magenta": (210, 40, 170), "turquoise": (60, 210, 200), "navy": (20, 30, 90),
}  # fmt: skip
# Scenes give a two-colour background gradient.
SCENES: dict[str, tuple[RGB, RGB]] = {
    "sunset": ((255, 150, 60), (110, 40, 120)), "sunrise": ((255, 200, 120), (120, 160, 230)),
    "forest": ((60, 120, 60), (20, 60, 30)), "ocean": ((60, 150, 220), (10, 40, 110)),
    "sea": ((70, 160, 220), (20, 60, 130)), "beach": ((120, 200, 240), (240, 220, 160)),
    "night": ((20, 25, 70), (5, 5, 20)), "space": ((15, 10, 40), (0, 0, 0)),
    "desert": ((250, 220, 150), (210, 150, 80)), "snow": ((235, 245, 255), (190, 210, 235)),
    "winter": ((220, 235, 250), (170, 190, 220)), "fire": ((255, 210, 60), (200, 30, 10)),
    "sky": ((140, 200, 250), (220, 240, 255)), "meadow": ((150, 210, 250), (90, 180, 70)),
    "city": ((150, 160, 180), (60, 60, 80)), "autumn": ((240, 170, 80), (150, 60, 20)),
}  # fmt: skip
SHAPE_WORDS: dict[str, str] = {
    "circle": "circle", "ball": "circle", "dot": "circle", "square": "square", "box": "square",
    "cube": "square", "rectangle": "square", "triangle": "triangle", "pyramid": "triangle",
    "star": "star", "stars": "star", "heart": "heart", "house": "house", "home": "house",
    "cabin": "house", "castle": "house", "tree": "tree", "trees": "tree", "forest": "tree",
    "sun": "sun", "sunny": "sun", "moon": "moon", "cloud": "cloud", "clouds": "cloud",
    "mountain": "mountain", "mountains": "mountain", "cat": "cat", "kitten": "cat",
    "fox": "cat", "dog": "cat", "otter": "cat", "flower": "flower", "flowers": "flower",
    "rose": "flower", "fish": "fish", "boat": "boat", "ship": "boat",
}  # fmt: skip
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "with",
        "in",
        "on",
        "at",
        "to",
        "for",
        "by",
        "from",
        "make",
        "it",
        "its",
        "this",
        "that",
        "is",
        "are",
        "be",
        "into",
        "please",
        "add",
        "now",
        "more",
        "some",
        "very",
        "image",
        "picture",
        "photo",
        "draw",
        "show",
        "me",
        "create",
        "generate",
    ]
)


@dataclass
class Scene:
    words: list[str]
    palette: list[RGB]
    background: tuple[RGB, RGB]
    shapes: list[str]
    seed: int
    tints: list[str] = field(default_factory=list)


def _seed(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _hash_colour(rng: random.Random) -> RGB:
    return (rng.randint(30, 230), rng.randint(30, 230), rng.randint(30, 230))


def parse(prompt: str, salt: str = "") -> Scene:
    """Read colours, scenes, shapes and tint words out of a prompt."""
    words = re.findall(r"[a-zA-Z][a-zA-Z'-]*", prompt.lower())
    rng = random.Random(_seed(prompt + salt))
    palette = [COLOURS[w] for w in words if w in COLOURS]
    scenes = [SCENES[w] for w in words if w in SCENES]
    shapes = list(dict.fromkeys(SHAPE_WORDS[w] for w in words if w in SHAPE_WORDS))
    named = bool(palette)
    if not palette:
        palette = [_hash_colour(rng) for _ in range(3)]
    if scenes:
        background = scenes[0]
    else:
        # A named colour also tints the sky, so "a red square" reads as red overall.
        base = palette[0] if named else _hash_colour(rng)
        background = (_mix(base, (255, 255, 255), 0.55), _mix(base, (0, 0, 0), 0.1))
    tints = [w for w in words if w in TINTS]
    return Scene(words, palette, background, shapes, rng.getrandbits(32), tints)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


@lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def work_size(width: int, height: int) -> tuple[int, int]:
    scale = min(1.0, WORK_EDGE / max(width, height))
    return max(16, round(width * scale)), max(16, round(height * scale))


def _gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


# --- shapes: each draws into a box (x0, y0, x1, y1) -------------------------------------------


def _shape(
    draw: ImageDraw.ImageDraw, kind: str, box: tuple[int, int, int, int], colour: RGB
) -> None:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    cx, cy = x0 + w // 2, y0 + h // 2
    outline = _mix(colour, (0, 0, 0), 0.5)
    stroke = max(2, w // 40)
    if kind == "circle":
        draw.ellipse(box, fill=colour, outline=outline, width=stroke)
    elif kind == "square":
        draw.rectangle(box, fill=colour, outline=outline, width=stroke)
    elif kind == "triangle":
        draw.polygon([(cx, y0), (x1, y1), (x0, y1)], fill=colour, outline=outline)
    elif kind == "star":
        draw.polygon(_star_points(cx, cy, w // 2), fill=colour, outline=outline)
    elif kind == "heart":
        r = w // 4
        draw.ellipse((x0, y0, cx, y0 + 2 * r), fill=colour)
        draw.ellipse((cx, y0, x1, y0 + 2 * r), fill=colour)
        draw.polygon([(x0 + 2, y0 + r + r // 2), (x1 - 2, y0 + r + r // 2), (cx, y1)], fill=colour)
    elif kind == "house":
        draw.rectangle((x0, cy, x1, y1), fill=colour, outline=outline, width=stroke)
        draw.polygon([(x0 - w // 10, cy), (cx, y0), (x1 + w // 10, cy)], fill=outline)
        draw.rectangle((cx - w // 10, y1 - h // 4, cx + w // 10, y1), fill=(90, 60, 30))
    elif kind == "tree":
        draw.rectangle((cx - w // 12, cy, cx + w // 12, y1), fill=(110, 70, 30))
        draw.ellipse((x0, y0, x1, cy + h // 6), fill=colour, outline=outline, width=stroke)
    elif kind == "sun":
        for i in range(12):
            draw.regular_polygon((cx, cy, w // 2), 3, rotation=i * 30, fill=(250, 200, 40))
        draw.ellipse((x0 + w // 5, y0 + h // 5, x1 - w // 5, y1 - h // 5), fill=(255, 220, 60))
    elif kind == "moon":
        draw.ellipse(box, fill=(240, 240, 210))
        draw.ellipse((x0 + w // 3, y0 - h // 10, x1 + w // 3, y1 - h // 10), fill=outline)
    elif kind == "cloud":
        for dx, dy, r in ((0.3, 0.6, 0.25), (0.55, 0.45, 0.3), (0.75, 0.62, 0.22)):
            px, py, pr = x0 + w * dx, y0 + h * dy, w * r
            draw.ellipse((px - pr, py - pr, px + pr, py + pr), fill=(250, 250, 250))
    elif kind == "mountain":
        draw.polygon([(x0, y1), (cx, y0), (x1, y1)], fill=colour, outline=outline)
        draw.polygon(
            [(cx, y0), (cx - w // 8, y0 + h // 4), (cx + w // 8, y0 + h // 4)], fill="white"
        )
    elif kind == "cat":
        _cat(draw, box, colour, outline)
    elif kind == "flower":
        r = w // 5
        for dx, dy in ((0, -1), (1, 0), (0, 1), (-1, 0), (0.7, 0.7), (-0.7, -0.7)):
            px, py = cx + dx * r * 1.3, cy + dy * r * 1.3
            draw.ellipse((px - r, py - r, px + r, py + r), fill=colour)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(250, 210, 40))
    elif kind == "fish":
        draw.ellipse((x0, y0 + h // 4, x1 - w // 4, y1 - h // 4), fill=colour, outline=outline)
        draw.polygon([(x1 - w // 3, cy), (x1, y0 + h // 4), (x1, y1 - h // 4)], fill=outline)
    elif kind == "boat":
        draw.polygon([(x0, cy), (x1, cy), (x1 - w // 6, y1), (x0 + w // 6, y1)], fill=colour)
        draw.line((cx, y0, cx, cy), fill=outline, width=stroke)
        draw.polygon([(cx, y0), (cx, cy - h // 10), (x1 - w // 6, cy - h // 10)], fill="white")


def _star_points(cx: int, cy: int, r: int) -> list[tuple[float, float]]:
    import math

    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.45
        angle = math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy - radius * math.sin(angle)))
    return points


def _cat(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], colour: RGB, dark: RGB) -> None:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    cx = x0 + w // 2
    head = (x0 + w // 5, y0 + h // 5, x1 - w // 5, y0 + h * 3 // 5)
    draw.ellipse((x0 + w // 6, y0 + h // 2, x1 - w // 6, y1), fill=colour, outline=dark)
    draw.polygon(
        [(head[0], head[1] + h // 10), (head[0] + w // 10, y0), (cx, head[1])], fill=colour
    )
    draw.polygon(
        [(head[2], head[1] + h // 10), (head[2] - w // 10, y0), (cx, head[1])], fill=colour
    )
    draw.ellipse(head, fill=colour, outline=dark)
    ey = head[1] + (head[3] - head[1]) // 3
    for ex in (cx - w // 10, cx + w // 10):
        draw.ellipse((ex - w // 30, ey - w // 30, ex + w // 30, ey + w // 30), fill=(30, 160, 60))
    draw.polygon([(cx - w // 40, ey + h // 12), (cx + w // 40, ey + h // 12), (cx, ey + h // 9)],
                 fill=(230, 120, 140))  # fmt: skip


# --- pictures ---------------------------------------------------------------------------------


def _layout(
    rng: random.Random, size: tuple[int, int], count: int
) -> list[tuple[int, int, int, int]]:
    """Boxes spread across the canvas so several shapes don't pile on each other."""
    w, h = size
    boxes = []
    for i in range(count):
        edge = int(min(w, h) * rng.uniform(0.28, 0.42) / max(1, count) ** 0.35)
        slot_w = w / count
        x = int(slot_w * i + rng.uniform(0, max(1, slot_w - edge)))
        x = min(max(0, x), w - edge)
        y = int(rng.uniform(h * 0.15, max(h * 0.15 + 1, h * 0.8 - edge)))
        boxes.append((x, y, x + edge, y + edge))
    return boxes


def _caption(img: Image.Image, text: str, colour: RGB, *, band: bool, top: bool = False) -> None:
    """The prompt's words on the picture: the easiest proof it followed the prompt."""
    w, h = img.size
    draw = ImageDraw.Draw(img)
    font_size = max(10, w // 22)
    line = text if len(text) <= 60 else text[:57] + "..."
    y = font_size // 2 if top else h - font_size * 1.6
    if band:
        draw.rectangle((0, h - font_size * 2, w, h), fill=(0, 0, 0))
    # Chinese needs a CJK font; without one, no text rather than boxes.
    font = captions.cjk_font(font_size) if captions.has_cjk(line) else _font(font_size)
    if font is not None:
        draw.text((font_size // 2, y), line, fill=colour, font=font)


def _detail(img: Image.Image, rng: random.Random, quality: str) -> None:
    """Higher quality means more small strokes, so quality is visible in the picture."""
    count = {"low": 0, "medium": 40, "high": 160}.get(quality, 40)
    draw = ImageDraw.Draw(img)
    w, h = img.size
    for _ in range(count):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.randint(1, max(2, w // 200))
        shade = rng.randint(160, 255)
        draw.ellipse(
            (x - r, y - r, x + r, y + r),
            fill=(shade, shade, shade, 90) if img.mode == "RGBA" else (shade,) * 3,
        )


def draw(
    prompt: str,
    size: tuple[int, int],
    *,
    quality: str = "high",
    transparent: bool = False,
    salt: str = "",
    realistic: bool = False,
) -> Image.Image:
    """A fresh picture for a prompt (salt makes the n images of one request differ)."""
    scene = parse(prompt, salt)
    rng = random.Random(scene.seed)
    canvas = work_size(*size)
    if transparent:
        img = Image.new("RGBA", canvas, (0, 0, 0, 0))
    else:
        img = _gradient(canvas, *scene.background)
        _detail(img, rng, quality)
    shapes = scene.shapes or [rng.choice(["circle", "square", "triangle", "star", "heart"])]
    draw_ = ImageDraw.Draw(img)
    for i, (kind, box) in enumerate(zip(shapes, _layout(rng, canvas, len(shapes)), strict=True)):
        _shape(draw_, kind, box, scene.palette[i % len(scene.palette)])
    caption = captions.title(prompt, _title(scene.words))
    _caption(img, caption, (255, 255, 255), band=not transparent)
    img = _to_size(img, size)
    return photo.develop(img, scene.seed) if realistic else img


def _title(words: list[str]) -> str:
    return " ".join(w for w in words if w not in STOPWORDS)[:80] or "untitled"


def _to_size(img: Image.Image, size: tuple[int, int]) -> Image.Image:
    return img if img.size == size else img.resize(size, Image.Resampling.BILINEAR)


# --- edits ------------------------------------------------------------------------------------

TINTS = frozenset(
    [
        "realistic",
        "photorealistic",
        "darker",
        "dark",
        "night",
        "brighter",
        "lighter",
        "bright",
        "grayscale",
        "greyscale",
        "monochrome",
        "vintage",
        "sepia",
        "warmer",
        "colder",
        "cooler",
    ]
)


def _apply_tints(img: Image.Image, tints: list[str]) -> Image.Image:
    rgb = img.convert("RGB")
    for tint in tints:
        if tint in ("realistic", "photorealistic"):
            rgb = ImageEnhance.Contrast(ImageEnhance.Color(rgb).enhance(0.75)).enhance(1.25)
        elif tint in ("darker", "dark", "night"):
            rgb = ImageEnhance.Brightness(rgb).enhance(0.78)
        elif tint in ("brighter", "lighter", "bright"):
            rgb = ImageEnhance.Brightness(rgb).enhance(1.25)
        elif tint in ("grayscale", "greyscale", "monochrome"):
            rgb = ImageOps.grayscale(rgb).convert("RGB")
        elif tint in ("vintage", "sepia", "warmer"):
            rgb = Image.blend(rgb, Image.new("RGB", rgb.size, (200, 150, 90)), 0.25)
        elif tint in ("colder", "cooler"):
            rgb = Image.blend(rgb, Image.new("RGB", rgb.size, (80, 140, 230)), 0.25)
    if img.mode == "RGBA":
        rgb.putalpha(img.getchannel("A"))
    return rgb


def edit(
    base: Image.Image,
    prompt: str,
    size: tuple[int, int],
    *,
    mask: Image.Image | None = None,
    transparent: bool = False,
    salt: str = "",
    realistic: bool = False,
) -> Image.Image:
    """Start from `base` and add a visible change that follows the prompt.

    With a mask only pixels where the mask's alpha is 0 change (alpha 255 keeps the base).
    Realistic edits work at full size, so the base's detail survives, and only what the
    edit drew gets detail of its own (grain added twice would pile up edit after edit)."""
    mode = "RGBA" if transparent or base.mode in ("RGBA", "LA", "PA") else "RGB"
    original = _to_size(base.convert(mode), size)
    canvas = size if realistic else work_size(*size)
    img = _to_size(original, canvas).copy()
    scene = parse(prompt, salt + "edit")
    rng = random.Random(scene.seed)
    keep = _mask_alpha(mask, size) if mask is not None else None
    if scene.tints:
        img = _apply_tints(img, scene.tints)
    elif scene.palette and any(w in COLOURS for w in scene.words):
        # A named colour washes over the picture lightly: changed, but still recognisable.
        wash = Image.new(mode, canvas, scene.palette[0] + ((255,) if mode == "RGBA" else ()))
        img = Image.blend(img, wash, 0.2)
    box = _edit_box(rng, canvas, keep)
    kind = scene.shapes[0] if scene.shapes else rng.choice(["star", "heart", "circle", "flower"])
    before = img.copy() if realistic else None
    _shape(ImageDraw.Draw(img), kind, box, scene.palette[0])
    caption = "+ " + captions.title(prompt, _title(scene.words))
    _caption(img, caption, (255, 240, 120), band=False, top=True)
    if before is not None:
        img = _develop_changes(before, img, scene.seed)
    result = _to_size(img, size)
    if keep is not None:
        result = Image.composite(original, result, keep)
    return result


def _develop_changes(before: Image.Image, after: Image.Image, seed: int) -> Image.Image:
    """``after`` with photographic detail only where it differs from ``before``."""
    changed = ImageChops.difference(before.convert("RGB"), after.convert("RGB")).convert("L")
    drawn = changed.point(lambda v: 255 if v else 0)
    return Image.composite(photo.develop(after, seed), after, drawn)


def _mask_alpha(mask: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The 'keep' mask: 255 where the original must stay (mask alpha 255), 0 where it may change."""
    alpha = mask.getchannel("A") if mask.mode in ("RGBA", "LA") else mask.convert("L")
    return _to_size(alpha, size) if alpha.size != size else alpha


def _edit_box(
    rng: random.Random, canvas: tuple[int, int], keep: Image.Image | None
) -> tuple[int, int, int, int]:
    w, h = canvas
    if keep is not None:
        scaled = keep.resize(canvas, Image.Resampling.NEAREST) if keep.size != canvas else keep
        area = ImageOps.invert(scaled).getbbox()
        if area:
            x0, y0, x1, y1 = area
            edge = max(8, int(min(x1 - x0, y1 - y0) * 0.8))
            cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
            return (cx - edge // 2, cy - edge // 2, cx + edge // 2, cy + edge // 2)
    edge = int(min(w, h) * 0.3)
    x = rng.randint(w // 10, max(w // 10, w - edge - w // 10))
    y = rng.randint(h // 10, max(h // 10, h - edge - h // 4))
    return (x, y, x + edge, y + edge)


def vary(base: Image.Image, index: int, size: tuple[int, int]) -> Image.Image:
    """A visibly related variant: mirrored or shifted, hue nudged, one small new mark."""
    rng = random.Random(index * 7919 + 17)
    img = _to_size(base.convert("RGB"), size)
    if index % 2:
        img = ImageOps.mirror(img)
    shift = ImageChops.offset(img, rng.randint(-size[0] // 20, size[0] // 20), 0)
    tone = Image.new("RGB", size, _hash_colour(rng))
    img = Image.blend(shift, tone, 0.12)
    edge = min(size) // 8
    x, y = rng.randint(0, size[0] - edge), rng.randint(0, size[1] - edge)
    _shape(ImageDraw.Draw(img), rng.choice(["star", "circle", "heart"]), (x, y, x + edge, y + edge),
           _hash_colour(rng))  # fmt: skip
    return img


# --- partial previews -------------------------------------------------------------------------


def partial(final: Image.Image, index: int, count: int, *, realistic: bool = False) -> Image.Image:
    """Preview `index` of `count`: the final picture blurred, less so with each index.

    Realistic previews are as grainy as a diffusion model's, so they weigh what the final
    weighs: the blur takes the detail, the grain puts the bytes back."""
    progress = (index + 1) / (max(1, count) + 1)
    w, h = final.size
    # Blur a quarter-size copy (cheap even at 4K), then scale it back up.
    small = final.reduce(4) if min(w, h) >= 64 else final
    radius = max(w, h) / 4 * 0.06 * (1 - progress) ** 1.5
    blurred = small.filter(ImageFilter.GaussianBlur(radius)) if radius >= 0.3 else small
    preview = blurred.resize((w, h), Image.Resampling.BILINEAR)
    return photo.add_grain(preview, index + 1, strength=2 - progress) if realistic else preview


# --- encoding ---------------------------------------------------------------------------------


def encode(img: Image.Image, output_format: str = "png", compression: int | None = None) -> bytes:
    buf = io.BytesIO()
    quality = 100 if compression is None else max(0, min(100, int(compression)))
    if output_format == "jpeg":
        img.convert("RGB").save(buf, "JPEG", quality=min(quality, 95) if quality else 1)
    elif output_format == "webp":
        img.save(buf, "WEBP", quality=quality, method=0)
    else:
        # Level 1 with run-length matching: flat drawings compress well anyway, grainy
        # photographs barely gain from LZ77 matching, and the encode takes a third less time.
        img.save(buf, "PNG", compress_level=1, compress_type=zlib.Z_RLE)
    return buf.getvalue()


def decode(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def with_insets(base: Image.Image, others: list[Image.Image]) -> Image.Image:
    """The base picture with up to four other pictures as small insets along its bottom edge."""
    canvas = base.convert("RGBA" if base.mode == "RGBA" else "RGB").copy()
    edge = max(16, min(canvas.size) // 5)
    for i, other in enumerate(others[:4]):
        thumb = other.convert(canvas.mode).resize((edge, edge))
        canvas.paste(thumb, (canvas.width - (i + 1) * (edge + 8), canvas.height - edge - 8))
    return canvas
