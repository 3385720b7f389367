"""Hero photos: checked, re-encoded without metadata, and stored as two renditions.

Why re-encode rather than store the upload: a photo's EXIF can hold the GPS position and
time it was taken, the camera's serial number and the photographer's name. On a site
about people whose families are still in North Korea, none of that may reach a reader.
Drawing the pixels into a new JPEG keeps the picture and nothing else. The renditions are
named by the hash of their bytes, so they can be cached for good.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A decompression bomb is a small file that claims a huge canvas; refuse it before
# decoding. 50 megapixels is more than any newsroom camera writes.
MAX_PIXELS = 50_000_000
MIN_SIDE = 320
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
WIDTHS = (1600, 800)
FOLDER = "stories"
# What the public photo view serves, and nothing else under MEDIA_ROOT.
RENDITION_NAME = re.compile(r"[0-9a-f]{20}-(?:1600|800)\.jpg")


class PhotoError(ValueError):
    """The upload is not a photo we can publish; the message says why."""


@dataclass(frozen=True)
class Renditions:
    large: str  # storage names
    small: str
    width: int  # of the large rendition
    height: int


def _open(upload: IO[bytes]) -> Image.Image:
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoError(
            _("The photo is larger than %(max)d MB.") % {"max": MAX_UPLOAD_BYTES // 2**20}
        )
    if not data:
        raise PhotoError(_("The photo file is empty."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise PhotoError(
                    _("Upload a JPEG, PNG or WebP photo (this file is %(format)s).")
                    % {"format": image.format or _("not an image")}
                )
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise PhotoError(
                    _("The photo is %(w)d × %(h)d pixels; the most accepted is %(max)d megapixels.")
                    % {"w": width, "h": height, "max": MAX_PIXELS // 1_000_000}
                )
            image.load()
    except PhotoError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(_("The file is not a photo that can be read.")) from None
    except (OSError, SyntaxError, ValueError) as exc:  # truncated or corrupt data
        raise PhotoError(_("The photo could not be read (%(reason)s).") % {"reason": exc}) from None
    if min(image.size) < MIN_SIDE:
        raise PhotoError(
            _("The photo is too small: at least %(min)d pixels on each side.") % {"min": MIN_SIDE}
        )
    return image


def _jpeg(image: Image.Image, width: int) -> bytes:
    copy = image.copy()
    if copy.width > width:
        copy.thumbnail((width, round(copy.height * width / copy.width)), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif=, no icc_profile=, no comment: the new file carries pixels only.
    copy.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def store(upload: IO[bytes]) -> Renditions:
    """Check UPLOAD and write its renditions to the default storage. Raises PhotoError
    (nothing written) when it is not a publishable photo."""
    image = _open(upload)
    # The camera's orientation tag is applied to the pixels, since the tag itself goes.
    image = ImageOps.exif_transpose(image)
    if image.mode != "RGB":
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    names = []
    for width in WIDTHS:
        data = _jpeg(image, width)
        name = f"{FOLDER}/{hashlib.sha256(data).hexdigest()[:20]}-{width}.jpg"
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(data))
        names.append(name)
    large_width = min(image.width, WIDTHS[0])
    large_height = round(image.height * large_width / image.width)
    return Renditions(names[0], names[1], large_width, large_height)
