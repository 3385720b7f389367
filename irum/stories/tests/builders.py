"""Test photos for stories: real JPEG files made with Pillow, as an editor would upload."""

from __future__ import annotations

import io

from PIL import Image


def jpeg(
    width: int = 900, height: int = 600, colour: tuple[int, int, int] = (90, 120, 150)
) -> io.BytesIO:
    """A plain JPEG of WIDTH × HEIGHT, named like an upload (forms read `.name`)."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "JPEG")
    out.seek(0)
    out.name = "photo.jpg"
    return out
