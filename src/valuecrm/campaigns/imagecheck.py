"""What the screenshot review sees in an image: the QR codes it carries (OpenCV's detector,
tried at a few scales because phone screenshots shrink posters) and a perceptual hash to
recognise the same picture submitted again after re-compression, scaling or a small crop.

The hash is a DCT hash (pHash): the image in grey at 32x32, its 2-D cosine transform, and
one bit per low-frequency coefficient (8x8, without the constant term) above their median.
Re-encoding and rescaling move few bits; different screenshots differ in about half.
"""

import io

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

HASH_SIZE = 8
_SCALES = (1.0, 0.5, 1.5, 2.0)
_DETECTOR = None


class NotAnImage(ValueError):
    pass


def load(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise NotAnImage(str(exc)) from None
    return ImageOps.exif_transpose(image).convert("RGB")


def _detector():
    global _DETECTOR
    if _DETECTOR is None:
        _DETECTOR = cv2.QRCodeDetector()
    return _DETECTOR


def decode_qr(image: Image.Image) -> list[str]:
    """The texts of the QR codes found, in a stable order, without duplicates."""
    grey = np.array(image.convert("L"))
    found: set[str] = set()
    for scale in _SCALES:
        scaled = grey if scale == 1.0 else cv2.resize(
            grey, None, fx=scale, fy=scale,
            interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
        try:
            ok, texts, *_ = _detector().detectAndDecodeMulti(scaled)
        except cv2.error:
            ok, texts = False, ()
        found.update(t for t in (texts if ok else ()) if t)
        if not found:
            text, *_ = _detector().detectAndDecode(scaled)
            if text:
                found.add(text)
        if found:
            break
    return sorted(found)


def _dct_matrix(n: int) -> np.ndarray:
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    matrix = np.cos(np.pi * (2 * i + 1) * k / (2 * n)) * np.sqrt(2 / n)
    matrix[0] /= np.sqrt(2)
    return matrix


_DCT = _dct_matrix(HASH_SIZE * 4)


def perceptual_hash(image: Image.Image) -> int:
    """A 64-bit pHash as a signed integer (so it fits a database bigint)."""
    small = np.asarray(image.convert("L").resize((HASH_SIZE * 4, HASH_SIZE * 4),
                                                 Image.Resampling.LANCZOS), dtype=float)
    low = (_DCT @ small @ _DCT.T)[:HASH_SIZE, :HASH_SIZE].flatten()
    bits = low[1:] > np.median(low[1:])
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    value <<= 1  # 63 bits used; the last keeps the width at 64
    return value - (1 << 64) if value >= 1 << 63 else value


def distance(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()
