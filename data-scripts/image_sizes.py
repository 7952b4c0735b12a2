#!/usr/bin/env python3
"""Writes ImageID,Width,Height of Open Images test images (Python 3 standard library only).

LESA's Table 3 on real Open Images maps each box through the resize / centre crop the features were extracted with, which
depends on every image's size (docs/lesa.md, "Table 3 on real Open Images"); no Open Images v4 CSV lists sizes, so they are
read from the downloaded files' headers: JPEG (first SOFn marker) or PNG (IHDR). The stored pixel size is used, without
EXIF rotation, as TensorFlow's decode_jpeg and PIL do by default.

Usage: image_sizes.py IMAGE_DIR --ids features/test/item-ids.txt --out <data>/openimages-v4/test-image-sizes.csv
(IMAGE_DIR/<ImageID>.jpg for every id, in id order). Exit 0 written, 1 unreadable or missing image, 2 usage.
"""
import argparse
import os
import struct
import sys

# SOF markers carrying the frame size: C0-CF except DHT (C4), JPG (C8) and DAC (CC).
SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


class SizeError(Exception):
    pass


def jpeg_size(f, path):
    """Width and height from the first SOF segment; f is positioned after the SOI marker."""
    while True:
        b = f.read(1)
        if not b:
            raise SizeError(f"{path}: no SOF marker before the end of the file")
        if b != b"\xff":
            raise SizeError(f"{path}: at byte {f.tell() - 1}: expected a marker (0xFF), found 0x{b[0]:02X}")
        marker = f.read(1)
        while marker == b"\xff":  # fill bytes
            marker = f.read(1)
        if not marker:
            raise SizeError(f"{path}: truncated marker")
        m = marker[0]
        if m == 0x01 or 0xD0 <= m <= 0xD7:  # markers without a length
            continue
        if m == 0xD9:
            raise SizeError(f"{path}: end of image before a SOF marker")
        raw = f.read(2)
        if len(raw) != 2:
            raise SizeError(f"{path}: truncated segment length at byte {f.tell() - len(raw)}")
        (length,) = struct.unpack(">H", raw)
        if length < 2:
            raise SizeError(f"{path}: at byte {f.tell() - 2}: segment length {length} < 2")
        if m in SOF:
            body = f.read(5)
            if len(body) != 5:
                raise SizeError(f"{path}: truncated SOF segment")
            _, height, width = struct.unpack(">BHH", body)
            if width == 0 or height == 0:
                raise SizeError(f"{path}: SOF gives a zero size {width}x{height}")
            return width, height
        f.seek(length - 2, os.SEEK_CUR)


def image_size(path):
    with open(path, "rb") as f:
        head = f.read(8)
        if head[:2] == b"\xff\xd8":
            f.seek(2)
            return jpeg_size(f, path)
        if head == b"\x89PNG\r\n\x1a\n":
            ihdr = f.read(16)
            if len(ihdr) != 16 or ihdr[4:8] != b"IHDR":
                raise SizeError(f"{path}: PNG without an IHDR chunk first")
            return struct.unpack(">II", ihdr[8:16])
        raise SizeError(f"{path}: neither JPEG nor PNG (first bytes {head[:4].hex()})")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("image_dir")
    p.add_argument("--ids", required=True, help="one ImageID per line (e.g. features/test/item-ids.txt)")
    p.add_argument("--out", required=True, help="CSV to write: ImageID,Width,Height")
    p.add_argument("--ext", default=".jpg", help="file extension of the images (default .jpg)")
    args = p.parse_args(argv)
    if not os.path.isdir(args.image_dir) or not os.path.isfile(args.ids):
        print(f"image_sizes: {args.image_dir if not os.path.isdir(args.image_dir) else args.ids} not found", file=sys.stderr)
        return 2
    with open(args.ids, encoding="utf-8") as f:
        ids = [line.strip() for line in f if line.strip()]
    rows = []
    try:
        for image_id in ids:
            path = os.path.join(args.image_dir, image_id + args.ext)
            if not os.path.isfile(path):
                raise SizeError(f"{path}: missing (ImageID {image_id})")
            w, h = image_size(path)
            rows.append(f"{image_id},{w},{h}\n")
    except SizeError as e:
        print(f"image_sizes: {e}", file=sys.stderr)
        return 1
    tmp = args.out + ".partial"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write("ImageID,Width,Height\n")
        f.writelines(rows)
    os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
