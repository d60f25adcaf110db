"""What the screenshot review sees in an image: the QR codes it carries (OpenCV's detector,
tried at a few scales because phone screenshots shrink posters) and a perceptual hash to
recognise the same picture submitted again after re-compression, scaling or a small crop.

The hash is a DCT hash (pHash): the image in grey at 64x64, its 2-D cosine transform, and
one bit per low-frequency coefficient (16x16; the constant term's bit is always 0) above
their median: 256 bits, stored as 64 hex digits. The common 8x8 pHash was too coarse here:
two different screenshots of the same poster came within 6 of 64 bits, as close as a
re-encoded copy (4 bits). At 16x16, on the generated set, copies differ in at most 16 bits
and distinct screenshots in at least 50 (docs/scrm.md).
"""

import io

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

HASH_SIZE = 16  # 16x16 coefficients: 256 bits (see the module docstring)
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


def perceptual_hash(image: Image.Image) -> str:
    """A 256-bit pHash as 64 hex digits."""
    side = HASH_SIZE * 4
    small = np.asarray(image.convert("L").resize((side, side), Image.Resampling.LANCZOS),
                       dtype=float)
    low = (_DCT @ small @ _DCT.T)[:HASH_SIZE, :HASH_SIZE].flatten()
    bits = low > np.median(low[1:])
    bits[0] = False
    value = int("".join("1" if b else "0" for b in bits), 2)
    return f"{value:064x}"


def distance(a: str, b: str) -> int:
    """Bits in which two hashes differ."""
    return (int(a, 16) ^ int(b, 16)).bit_count()
