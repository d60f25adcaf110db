"""Generated phone screenshots of shared posters, for the review's tests and its benchmark
(bench/referral_review.py): a poster composited into a chat-app-like screen at a random
scale and position, with noise, JPEG compression and an optional crop."""

import io
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def _screen(rng: random.Random) -> Image.Image:
    width, height = rng.choice([(720, 1280), (750, 1334), (1080, 1920), (828, 1792)])
    screen = Image.new("RGB", (width, height), tuple(rng.randint(225, 250) for _ in range(3)))
    draw = ImageDraw.Draw(screen)
    draw.rectangle((0, 0, width, height // 14), fill=tuple(rng.randint(30, 90) for _ in range(3)))
    for _ in range(rng.randint(3, 9)):  # chat bubbles and avatars
        x, y = rng.randint(0, width - 200), rng.randint(height // 12, height - 120)
        draw.rounded_rectangle((x, y, x + rng.randint(120, 400), y + rng.randint(40, 110)),
                               radius=12, fill=tuple(rng.randint(120, 255) for _ in range(3)))
    return screen


def screenshot(poster_png: bytes | None, seed: int, *, crop: bool = True) -> bytes:
    """A JPEG of a phone screen showing `poster_png` (None: a screen without a poster)."""
    rng = random.Random(seed)
    screen = _screen(rng)
    if poster_png is not None:
        poster = Image.open(io.BytesIO(poster_png)).convert("RGB")
        scale = rng.uniform(0.55, 0.9) * screen.width / poster.width
        poster = poster.resize((int(poster.width * scale), int(poster.height * scale)),
                               Image.Resampling.BILINEAR)
        x = rng.randint(0, max(0, screen.width - poster.width))
        y = rng.randint(screen.height // 12, max(screen.height // 12,
                                                  screen.height - poster.height))
        screen.paste(poster, (x, y))
    pixels = np.asarray(screen, dtype=np.int16)
    noise = np.random.default_rng(seed).normal(0, rng.uniform(2, 8), pixels.shape)
    screen = Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8))
    if rng.random() < 0.3:
        screen = screen.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8)))
    if crop and rng.random() < 0.5:
        dx, dy = rng.randint(0, screen.width // 20), rng.randint(0, screen.height // 20)
        screen = screen.crop((dx, dy, screen.width - dx, screen.height - dy))
    return jpeg(screen, rng.randint(60, 90))


def jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def resubmitted(data: bytes, seed: int) -> bytes:
    """The same screenshot sent again: re-encoded, slightly rescaled and trimmed."""
    rng = random.Random(seed)
    image = Image.open(io.BytesIO(data)).convert("RGB")
    scale = rng.uniform(0.8, 1.1)
    image = image.resize((int(image.width * scale), int(image.height * scale)))
    trim = rng.randint(0, 6)
    image = image.crop((trim, trim, image.width - trim, image.height - trim))
    return jpeg(image, rng.randint(55, 85))
