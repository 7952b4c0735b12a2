#!/usr/bin/env python3
"""Synthetic JPEGs for the extraction benchmark (environment/gpu/run.sh; docs/benchmarks.md "Backbone feature extraction"):
N images of 500x375 (CUB-like), gradients + seeded noise, JPEG quality 90, and list.txt with their names.
Usage: make_images.py OUT_DIR [N]"""
import os
import sys

import numpy as np
from PIL import Image

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 512
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)
y, x = np.mgrid[0:375, 0:500]
names = []
for i in range(n):
    base = np.stack([x * 255 // 499, y * 255 // 374, (x + y + 40 * i) % 256], -1)
    img = np.clip(base + rng.normal(0, 24, base.shape), 0, 255).astype(np.uint8)
    name = f"img{i:05d}.jpg"
    Image.fromarray(img).save(os.path.join(out, name), quality=90)
    names.append(name)
with open(os.path.join(out, "list.txt"), "w") as f:
    f.write("\n".join(names) + "\n")
print(f"{n} images in {out}")
