#!/usr/bin/env python3
"""Download, verify and unpack the ZslKit benchmark data (Python 3 standard library only).

Reads a manifest (data-scripts/manifest.json by default) listing every source: URL, alternative URLs, size,
sha256 (or "unknown", or a known sha256 prefix such as torchvision's file-name hashes), where to put it, how to
unpack it and what to count afterwards. For each selected entry it

  1. skips the entry when it is already complete (idempotent: a `.ok` stamp records the verified sha256),
  2. downloads to `<file>.part`, resuming a partial download with an HTTP Range request (file:// too), with progress,
  3. verifies size and sha256 (prints the computed sha256 when the manifest has none, so it can be recorded),
  4. unpacks (zip, tar, tar.gz/tgz) or copies it into place and checks the expected counts (files matching a
     glob, lines of a text file),
  5. on a dead source tries the alternatives, then prints what to do by hand.

Usage:
  data-scripts/fetch.py [--manifest FILE] [--dest DIR] [--only NAME[,NAME...]] [--group G[,G...]] [--list] [--quiet]
Exit status: 0 when every selected entry is complete, 1 when any failed, 2 on usage errors.
"""
import argparse
import fnmatch
import glob
import hashlib
import json
import os
import shutil
import sys
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile

CHUNK = 1 << 20


class FetchError(Exception):
    pass


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def human(n):
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{n} B"
        n /= 1000.0


class Progress:
    def __init__(self, name, total, start, quiet):
        self.name, self.total, self.done, self.quiet = name, total, start, quiet
        self.last = 0.0

    def update(self, n):
        self.done += n
        now = time.monotonic()
        if self.quiet or now - self.last < 0.5:
            return
        self.last = now
        if self.total:
            log(f"  {self.name}: {human(self.done)} / {human(self.total)} ({100.0 * self.done / self.total:.1f}%)")
        else:
            log(f"  {self.name}: {human(self.done)}")


def open_source(url, offset):
    """Returns (stream, total_size_or_None, resumed) for url starting at byte offset when the source supports it."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme == "file":
        path = urllib.request.url2pathname(parsed.path)
        if not os.path.isfile(path):
            raise FetchError(f"source file {path} does not exist")
        f = open(path, "rb")
        size = os.path.getsize(path)
        f.seek(min(offset, size))
        return f, size, offset > 0
    req = urllib.request.Request(url, headers={"User-Agent": "zslkit-fetch/1"})
    if offset > 0:
        req.add_header("Range", f"bytes={offset}-")
    try:
        resp = urllib.request.urlopen(req, timeout=60)
    except urllib.error.HTTPError as e:
        if e.code == 416 and offset > 0:   # range not satisfiable: the partial file is already complete
            return None, offset, True
        raise FetchError(f"HTTP {e.code} {e.reason}")
    except (urllib.error.URLError, OSError) as e:
        raise FetchError(f"cannot reach source: {e}")
    resumed = offset > 0 and resp.status == 206
    length = resp.headers.get("Content-Length")
    total = (int(length) + (offset if resumed else 0)) if length else None
    return resp, total, resumed


def download(entry, url, target, quiet):
    part = target + ".part"
    offset = os.path.getsize(part) if os.path.exists(part) else 0
    stream, total, resumed = open_source(url, offset)
    if stream is None:
        return
    if offset and not resumed:
        log(f"  {entry['name']}: source does not support resuming; starting over")
        offset = 0
    if offset:
        log(f"  {entry['name']}: resuming at {human(offset)}")
    progress = Progress(entry["name"], total or entry.get("size"), offset, quiet)
    with stream, open(part, "ab" if offset else "wb") as out:
        while True:
            block = stream.read(CHUNK)
            if not block:
                break
            out.write(block)
            progress.update(len(block))


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def verify(entry, path):
    """Checks size and sha256 of a downloaded file; returns the computed sha256."""
    size = entry.get("size")
    actual = os.path.getsize(path)
    if isinstance(size, int) and actual != size:
        raise FetchError(f"size {actual} differs from the manifest's {size}")
    digest = sha256_of(path)
    expected = entry.get("sha256", "unknown")
    if expected not in (None, "", "unknown"):
        if digest != expected.lower():
            raise FetchError(f"sha256 {digest} differs from the manifest's {expected}")
    else:
        log(f"  {entry['name']}: no sha256 in the manifest; computed {digest} (record it to pin this file)")
    prefix = entry.get("sha256_prefix")
    if prefix and not digest.startswith(prefix.lower()):
        raise FetchError(f"sha256 {digest} does not start with the expected prefix {prefix}")
    return digest


def safe_members(names, root):
    real_root = os.path.realpath(root)
    for name in names:
        dest = os.path.realpath(os.path.join(root, name))
        if dest != real_root and not dest.startswith(real_root + os.sep):
            raise FetchError(f"archive member {name!r} would be written outside {root}")


def unpack(entry, path, dest):
    kind = entry.get("unpack", "none")
    members = entry.get("members")   # optional list of glob patterns to extract
    if kind == "zip":
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if not members or any(fnmatch.fnmatch(n, m) for m in members)]
            safe_members(names, dest)
            for n in names:
                z.extract(n, dest)
    elif kind in ("tar", "tar.gz", "tgz"):
        with tarfile.open(path, "r:*") as t:
            chosen = [m for m in t.getmembers() if (m.isfile() or m.isdir())
                      and (not members or any(fnmatch.fnmatch(m.name, p) for p in members))]
            safe_members([m.name for m in chosen], dest)
            t.extractall(dest, members=chosen)
    elif kind == "none":
        pass
    else:
        raise FetchError(f"unknown unpack kind {kind!r}")


def check_counts(entry, dest):
    for check in entry.get("expect", []):
        if "glob" in check:
            n = len(glob.glob(os.path.join(dest, check["glob"]), recursive=True))
            what = f"files matching {check['glob']}"
        elif "lines" in check:
            p = os.path.join(dest, check["lines"])
            if not os.path.exists(p):
                raise FetchError(f"expected file {check['lines']} is missing after unpacking")
            with open(p, "rb") as f:
                n = sum(1 for line in f if line.strip())
            what = f"non-blank lines in {check['lines']}"
        else:
            raise FetchError(f"unknown expectation {check}")
        if n != check["count"]:
            raise FetchError(f"found {n} {what}, expected {check['count']}")
        log(f"  {entry['name']}: {n} {what} (as expected)")


def fetch(entry, root, quiet):
    name = entry["name"]
    dest = os.path.join(root, entry.get("dest", entry.get("group", "")))
    os.makedirs(dest, exist_ok=True)
    filename = entry.get("file") or os.path.basename(urllib.parse.urlparse(entry["url"]).path)
    downloads = os.path.join(root, "_downloads")
    os.makedirs(downloads, exist_ok=True)
    target = os.path.join(downloads, filename)
    stamp = os.path.join(dest, f".{name}.ok")
    if os.path.exists(stamp):
        log(f"{name}: already complete (delete {stamp} to redo)")
        return
    if not os.path.exists(target):
        urls = [entry["url"]] + list(entry.get("alternatives", []))
        errors = []
        for url in urls:
            log(f"{name}: downloading {url}")
            try:
                download(entry, url, target, quiet)
                break
            except FetchError as e:
                errors.append(f"{url}: {e}")
                log(f"  {name}: source dead or unreachable ({e})" + ("; trying the next source" if url != urls[-1] else ""))
        else:
            hint = entry.get("manual", "")
            raise FetchError("every source failed:\n    " + "\n    ".join(errors)
                             + (f"\n  alternative: {hint}" if hint else ""))
        part = target + ".part"
        try:
            digest = verify(entry, part)
        except FetchError:
            os.replace(part, part + ".bad")
            raise
        os.replace(part, target)
    else:
        log(f"{name}: {filename} present; verifying")
        digest = verify(entry, target)
    unpack(entry, target, dest)
    if entry.get("unpack", "none") == "none":
        shutil.copyfile(target, os.path.join(dest, filename))
    check_counts(entry, dest)
    with open(stamp, "w") as f:
        f.write(digest + "\n")
    log(f"{name}: ok")


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description="Download, verify and unpack ZslKit benchmark data.")
    ap.add_argument("--manifest", default=os.path.join(here, "manifest.json"))
    ap.add_argument("--dest", default=os.path.join(here, "..", "..", "shared", "data-full"))
    ap.add_argument("--only", default="", help="comma-separated entry names")
    ap.add_argument("--group", default="", help="comma-separated groups")
    ap.add_argument("--list", action="store_true", help="list the entries and exit")
    ap.add_argument("--quiet", action="store_true", help="no progress lines")
    args = ap.parse_args(argv)
    try:
        with open(args.manifest, encoding="utf-8") as f:
            manifest = json.load(f)
        entries = manifest["entries"]
        if not isinstance(entries, list) or not all(isinstance(e, dict) and "name" in e and "url" in e for e in entries):
            raise ValueError("'entries' must be a list of objects with a name and a url")
    except OSError as err:
        log(f"fetch: --manifest {args.manifest}: cannot read it ({err.strerror})")
        return 2
    except json.JSONDecodeError as err:
        log(f"fetch: --manifest {args.manifest}: invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}")
        return 2
    except (KeyError, TypeError, ValueError) as err:
        log(f"fetch: --manifest {args.manifest}: not a fetch manifest ({err if isinstance(err, ValueError) else 'no entries list'})")
        return 2
    only = {s for s in args.only.split(",") if s}
    groups = {s for s in args.group.split(",") if s}
    unknown = only - {e["name"] for e in entries}
    if unknown:
        log(f"fetch: unknown entries {sorted(unknown)}; see --list")
        return 2
    known_groups = {e.get("group") for e in entries if e.get("group")}
    if groups - known_groups:
        log(f"fetch: unknown groups {sorted(groups - known_groups)} (groups: {', '.join(sorted(known_groups))})")
        return 2
    selected = [e for e in entries if (not only or e["name"] in only) and (not groups or e.get("group") in groups)]
    if args.list:
        for e in selected:
            size = human(e["size"]) if isinstance(e.get("size"), int) else "size unknown"
            sha = e.get("sha256", "unknown")
            print(f"{e['name']:<28} {e.get('group', ''):<12} {size:>12}  sha256 {sha if sha != 'unknown' else 'unknown' + (' (prefix ' + e['sha256_prefix'] + ')' if e.get('sha256_prefix') else '')}  {e['url']}")
        return 0
    failed = []
    for e in selected:
        try:
            fetch(e, os.path.abspath(args.dest), args.quiet)
        except (FetchError, OSError, zipfile.BadZipFile, tarfile.TarError) as err:
            log(f"{e['name']}: FAILED: {err}")
            failed.append(e["name"])
    if failed:
        log(f"fetch: {len(failed)} of {len(selected)} entries failed: {', '.join(failed)}")
        return 1
    log(f"fetch: {len(selected)} entries complete in {os.path.abspath(args.dest)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
