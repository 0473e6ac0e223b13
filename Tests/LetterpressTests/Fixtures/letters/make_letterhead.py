#!/usr/bin/env python3
"""Draws letterhead.png, the 600x200 RGBA logo of the sample letters (needs Pillow).

The logo is drawn at 4x and scaled down for smooth edges; the background is transparent so
the PNG exercises alpha (a soft mask in PDF). Run from anywhere; writes next to this script.
"""
import os
from PIL import Image, ImageDraw, ImageFont

here = os.path.dirname(os.path.abspath(__file__))
fonts = os.path.join(here, '..', '..', '..', '..', 'Sources', 'Letterpress', 'Resources', 'Fonts')
S = 4
W, H = 600 * S, 200 * S
img = Image.new('RGBA', (W, H), (0, 0, 0, 0))
d = ImageDraw.Draw(img)
# Aurora mark: three concentric arcs over a dot, in a blue-to-teal gradient.
cx, cy = 100 * S, 118 * S
for i, (r, col) in enumerate([(78, (20, 70, 160, 255)), (58, (20, 120, 170, 255)), (38, (20, 165, 160, 255))]):
    box = [cx - r * S, cy - r * S, cx + r * S, cy + r * S]
    d.arc(box, start=200, end=340, fill=col, width=13 * S)
d.ellipse([cx - 13 * S, cy - 13 * S, cx + 13 * S, cy + 13 * S], fill=(230, 120, 30, 255))
bold = ImageFont.truetype(os.path.join(fonts, 'DejaVuSans-Bold.ttf'), 64 * S)
regular = ImageFont.truetype(os.path.join(fonts, 'DejaVuSans.ttf'), 27 * S)
d.text((205 * S, 48 * S), 'AURORA', font=bold, fill=(20, 70, 160, 255))
d.text((209 * S, 124 * S), 'T E L E C O M', font=regular, fill=(90, 100, 110, 230))
# A translucent underline swoosh.
d.rounded_rectangle([205 * S, 168 * S, 585 * S, 176 * S], radius=4 * S, fill=(20, 165, 160, 140))
img = img.resize((600, 200), Image.LANCZOS)
img.save(os.path.join(here, 'letterhead.png'), optimize=True)
