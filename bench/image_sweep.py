#!/usr/bin/env python3
"""Sweep: every disk image in the given folders, listed by leakscan and by dfvfs' own back-ends, compared.

For each image (and, with ``--renamed``, a copy of it with no extension), in a child process with a time limit:

* leakscan: ``ImageSource(IMAGE).entries()``, allocated files per layer (``fs``, ``p1``, ``vss1`` ...), each
  file's SHA-256 (files up to 4 MiB), what it skipped (reason) and its exit: ``ok``, ``crash``, ``hang``;
* dfvfs: ``VolumeScanner`` with every partition, volume and snapshot, each file system walked, each file's SHA-256.

Each dfvfs file system is matched to the leakscan layer sharing the most paths; the row says what dfvfs lists
that leakscan does not (``missing``), files whose bytes differ (``hash``), layers dfvfs has and leakscan has not,
and a silent empty result (no file, no skip). NTFS named streams (``file:stream``) are leakscan's alone.

Usage: python bench/image_sweep.py FOLDER... [--renamed] [--timeout 120] [--json OUT.json]
       (LEAKSCAN_CHECKOUT=/tmp/main-copy: that checkout's scanner instead of this one, for a before/after table)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(os.environ.get("LEAKSCAN_CHECKOUT") or Path(__file__).resolve().parent.parent)
CAP = 4 << 20

OURS = r"""
import hashlib, json, sys
from scanner.models import Link, Skipped
from scanner.sources.image import ImageSource
layers, skipped, fmt = {}, [], ""
try:
    with ImageSource(sys.argv[1], verify_images=False) as src:
        fmt = src.describe().get("format", "")
        for item in src.entries():
            if isinstance(item, Skipped):
                skipped.append(str(item.reason))
                continue
            if isinstance(item, Link) or item.deleted or ":" in item.location.path.rsplit("/", 1)[-1]:
                continue
            layer = item.location.containers[-1].name.split(" (")[0] if item.location.containers else "-"
            digest = ""
            try:
                if item.stat().size <= CAP:
                    with item.open() as f:
                        digest = hashlib.sha256(f.read()).hexdigest()
            except Exception as e:
                digest = "error:" + type(e).__name__
            layers.setdefault(layer, {})[item.location.path] = digest
except Exception as e:
    skipped.append("source-error:" + type(e).__name__ + ":" + str(e)[:120])
print(json.dumps({"layers": layers, "skipped": skipped, "format": fmt}))
""".replace("CAP", str(CAP))

THEIRS = r"""
import hashlib, json, sys
from dfvfs.helpers import volume_scanner
from dfvfs.resolver import resolver
options = volume_scanner.VolumeScannerOptions()
options.partitions, options.snapshots, options.volumes = ["all"], ["all"], ["all"]
out = {}
try:
    specs = volume_scanner.VolumeScanner().GetBasePathSpecs(sys.argv[1], options=options)
except Exception as e:
    print(json.dumps({"error": type(e).__name__ + ":" + str(e)[:120]}))
    raise SystemExit
for n, spec in enumerate(specs):
    files = {}
    try:
        fs = resolver.Resolver.OpenFileSystem(spec)
        stack = [(fs.GetFileEntryByPathSpec(spec), "")]
        while stack:
            directory, path = stack.pop()
            for child in directory.sub_file_entries:
                text = f"{path}/{child.name}"
                if child.IsDirectory():
                    stack.append((child, text))
                elif child.IsFile():
                    digest = ""
                    try:
                        if child.size <= CAP:
                            f = child.GetFileObject()
                            digest = hashlib.sha256(f.read()).hexdigest() if f else "none"
                    except Exception as e:
                        digest = "error:" + type(e).__name__
                    files[text] = digest
    except Exception as e:
        files["<error>"] = type(e).__name__ + ":" + str(e)[:120]
    parent = spec.parent
    store = getattr(parent, "store_index", None) if parent.type_indicator == "VSHADOW" else None
    out[f"{n}:{spec.type_indicator}:{parent.type_indicator}" + (f":vss{store + 1}" if store is not None else "")] = files
print(json.dumps({"fs": out}))
""".replace("CAP", str(CAP))


def _child(code: str, image: Path, timeout: float) -> tuple[str, dict]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    try:
        run = subprocess.run([sys.executable, "-c", code, str(image)], capture_output=True, text=True,
                             timeout=timeout, env=env, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return "hang", {}
    if run.returncode:
        return f"crash({run.returncode})", {"stderr": run.stderr[-300:]}
    return "ok", json.loads(run.stdout.strip().splitlines()[-1])


def _metafile(path: str) -> bool:
    """NTFS metadata files ($MFT, $Extend/...): listed by dfvfs, not files of the volume's users for leakscan."""
    return path.startswith("/$")


def compare(image: Path, timeout: float) -> dict:
    state, ours = _child(OURS, image, timeout)
    theirs_state, theirs = _child(THEIRS, image, timeout)
    row: dict = {"image": image.name, "leakscan": state, "dfvfs": theirs_state, "format": ours.get("format", ""),
                 "layers": {k: len(v) for k, v in ours.get("layers", {}).items()},
                 "skipped": sorted(set(ours.get("skipped", []))), "missing": {}, "hash": {}, "extra": {}}
    layers = ours.get("layers", {})
    for name, files in theirs.get("fs", {}).items():
        store = name.rsplit(":", 1)[-1]
        best = store if store in layers else max(
            (k for k in layers if not k.startswith("vss")), key=lambda k: len(set(layers[k]) & set(files)), default=None)
        mine = layers.get(best, {}) if best is not None else {}
        missing = sorted(p for p in set(files) - set(mine) if not _metafile(p))
        if missing:
            row["missing"][f"{name}->{best}"] = missing[:8] + ([f"... {len(missing)}"] if len(missing) > 8 else [])
        differ = [p for p in files if p in mine and files[p] and mine[p] and files[p] != mine[p]
                  and not files[p].startswith("error") and not _metafile(p)]
        if differ:
            row["hash"][f"{name}->{best}"] = differ[:8]
        extra = sorted(set(mine) - set(files))
        if extra:
            row["extra"][f"{name}->{best}"] = len(extra)
    if "error" in theirs:
        row["dfvfs"] = "error: " + theirs["error"]
    row["silent_empty"] = state == "ok" and not layers and not ours.get("skipped")
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--renamed", action="store_true", help="also a copy of each image with no extension")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for folder in args.folders:
            for image in sorted(p for p in folder.iterdir() if p.is_file()):
                rows.append(compare(image, args.timeout))
                print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
                if args.renamed and image.suffix and image.stat().st_size <= 256 << 20:
                    copy = Path(tmp) / image.stem.replace(".", "_")
                    shutil.copyfile(image, copy)
                    rows.append(compare(copy, args.timeout) | {"renamed_from": image.name})
                    print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
                    copy.unlink()
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
