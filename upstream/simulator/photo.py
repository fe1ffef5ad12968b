"""Photographic detail for the realistic mode: light, texture and grain over a drawing.

Real gpt-image outputs are photographs and illustrations whose PNGs weigh 1.5-3 MB at
1024x1024; a flat drawing weighs 50 KB, which makes every byte-bound step downstream look
10-50 times lighter than it is. Detail here is what a photograph has and PNG cannot
squeeze: a soft light falloff, blotchy texture at a few scales, and per-pixel grain.

Pure Pillow and deterministic: the noise comes from `random.Random(seed)` bytes (Pillow's
own `effect_noise` draws from C's unseeded `rand()`), shaped into a bell curve by a lookup
table. Grain fields are cached per size, so a new prompt costs a few blends, not a new
field of random numbers.
"""

from __future__ import annotations

import random
import threading
from functools import lru_cache
from statistics import NormalDist

from PIL import Image, ImageChops, ImageFilter

# Standard deviation of the per-pixel grain, in 0-255 levels: sets the PNG size. About 6
# gives 1.5-3 MB at 1024x1024, as photographs have.
GRAIN_SIGMA = 6.0
# Texture: blotches at these fractions of the long edge, with these strengths (levels).
TEXTURE_OCTAVES = ((1 / 8, 14.0), (1 / 32, 9.0), (1 / 128, 6.0))
# Distinct grain fields per size; a picture picks one by its seed.
GRAIN_VARIANTS = 4

_field_lock = threading.Lock()


def develop(img: Image.Image, seed: int, *, grain: float = 1.0) -> Image.Image:
    """``img`` as a photograph of it: vignette, textured surfaces and film grain."""
    alpha = img.getchannel("A") if img.mode == "RGBA" else None
    rgb = img.convert("RGB")
    rgb = ImageChops.multiply(rgb, _vignette(rgb.size))
    rgb = _add_signed(rgb, Image.merge("RGB", (_texture(rgb.size, seed),) * 3))
    rgb = add_grain(rgb, seed, strength=grain)
    if alpha is not None:
        rgb.putalpha(alpha)
    return rgb


def add_grain(img: Image.Image, seed: int, *, strength: float = 1.0) -> Image.Image:
    """Colour grain (each channel its own noise), ``strength`` times the usual amount."""
    alpha = img.getchannel("A") if img.mode == "RGBA" else None
    rgb = img.convert("RGB")
    channels = tuple(_grain(rgb.size, seed + offset) for offset in range(3))
    noise = Image.merge("RGB", channels)
    if strength != 1.0:
        # Scaling a signed field around the neutral 128.
        neutral = Image.new("RGB", rgb.size, (128, 128, 128))
        noise = Image.blend(neutral, noise, strength)
    rgb = _add_signed(rgb, noise)
    if alpha is not None:
        rgb.putalpha(alpha)
    return rgb


def _add_signed(img: Image.Image, field: Image.Image) -> Image.Image:
    """``img`` plus a field centred on 128 (128 changes nothing)."""
    return ImageChops.add(img, field, scale=1.0, offset=-128)


def _grain(size: tuple[int, int], seed: int) -> Image.Image:
    return _grain_field(size, seed % (GRAIN_VARIANTS * 3))


@lru_cache(maxsize=GRAIN_VARIANTS * 3 * 4)
def _grain_field(size: tuple[int, int], variant: int) -> Image.Image:
    with _field_lock:
        return _noise(size, variant, GRAIN_SIGMA)


def _noise(size: tuple[int, int], seed: int, sigma: float) -> Image.Image:
    """Bell-curve noise centred on 128, from seeded uniform bytes through a lookup table."""
    width, height = size
    uniform = Image.frombytes("L", size, random.Random(seed).randbytes(width * height))
    return uniform.point(_bell_table(sigma))


@lru_cache(maxsize=32)
def _bell_table(sigma: float) -> tuple[int, ...]:
    normal = NormalDist(128, sigma)
    return tuple(max(0, min(255, round(normal.inv_cdf((v + 0.5) / 256)))) for v in range(256))


@lru_cache(maxsize=16)
def _texture(size: tuple[int, int], seed: int) -> Image.Image:
    """Blotches at a few scales, smooth enough to read as surfaces and light."""
    width, height = size
    long_edge = max(width, height)
    texture = Image.new("L", size, 128)
    for index, (fraction, strength) in enumerate(TEXTURE_OCTAVES):
        scale = 1 / fraction / long_edge
        small_size = (max(2, round(width * scale)), max(2, round(height * scale)))
        small = _noise(small_size, seed * 31 + index, strength)
        layer = small.resize(size, Image.Resampling.BICUBIC)
        texture = _add_signed(texture, layer)
    return texture


@lru_cache(maxsize=8)
def _vignette(size: tuple[int, int]) -> Image.Image:
    """Light falling off towards the corners, as through a lens."""
    radial = Image.radial_gradient("L").resize(size, Image.Resampling.BILINEAR)
    # 255 in the middle, about 190 in the corners.
    light = radial.point(lambda v: 255 - v // 4).filter(ImageFilter.BoxBlur(2))
    return Image.merge("RGB", (light,) * 3)
