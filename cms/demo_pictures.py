"""Pictures for the demo offers, drawn with Pillow: shapes on a category colour, no people."""

from __future__ import annotations

import hashlib
import io

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw

from .models import CustomImage

CATEGORY_COLOURS = {
    "encounter-leisure": (242, 153, 74),
    "language-education": (86, 148, 204),
    "work-training": (95, 125, 149),
    "counselling-help": (111, 168, 136),
    "family-women-children": (214, 120, 150),
    "sport": (76, 175, 80),
    "volunteering": (170, 120, 200),
    "health": (220, 90, 90),
    "housing-everyday": (190, 160, 100),
}


def draw_picture(seed: str, motif: str, colour: tuple[int, int, int]) -> io.BytesIO:
    """A simple, friendly picture drawn with Pillow: shapes on a category colour, no people."""
    digest = hashlib.sha256(f"{seed}:{motif}".encode()).digest()
    width, height = 960, 540
    picture = PILImage.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(picture)
    light = tuple(min(255, c + 60) for c in colour)
    dark = tuple(max(0, c - 70) for c in colour)
    for i in range(6):
        x = digest[i] * width // 256
        y = digest[i + 6] * height // 256
        r = 40 + digest[i + 12] % 90
        draw.ellipse((x - r, y - r, x + r, y + r), fill=light if i % 2 else dark)
    # A motif-dependent emblem in the middle keeps pictures of one category apart.
    cx, cy, size = width // 2, height // 2, 120
    shape = digest[20] % 3
    if shape == 0:
        draw.rounded_rectangle((cx - size, cy - size, cx + size, cy + size), 40, fill="white")
    elif shape == 1:
        draw.ellipse((cx - size, cy - size, cx + size, cy + size), fill="white")
    else:
        draw.polygon(
            [(cx, cy - size), (cx + size, cy + size), (cx - size, cy + size)], fill="white"
        )
    draw.ellipse((cx - 45, cy - 45, cx + 45, cy + 45), fill=dark)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=80, optimize=True)
    buffer.seek(0)
    return buffer


def demo_image(slug: str, motif: str, category: str, alt: str) -> CustomImage:
    """The drawn picture for an offer, created once and reused on later loads."""
    title = f"Demo: {slug}"
    image = CustomImage.objects.filter(title=title).first()
    if image is None:
        colour = CATEGORY_COLOURS.get(category, (120, 120, 120))
        data = draw_picture(slug, motif, colour)
        image = CustomImage(
            title=title,
            file=ImageFile(data, name=f"demo-{slug}.jpg"),
            description=alt,
            people_consent=True,
        )
        image.save()
    return image
