#!/usr/bin/env python3
"""The site's files of this build (`make build`, after `cargo leptos build --release --split`).

Finds the files of this build from the hashes cargo-leptos wrote beside the server binary and
from the split loader (which names every WASM chunk), precompresses each once at brotli -q 11
and gzip -9 (the server sends these as they are), removes older builds' files, and prints the
brotli size of each file and the first load of each lazily loaded group of pages: the main
module, its JS and the stylesheet, the split loader, and the chunks the group needs (what the
server names in `<link rel="preload">` when it renders one of the group's pages).

Usage: site_files.py <site pkg dir> <hash.txt>
"""

import gzip
import json
import os
import re
import subprocess
import sys


def precompress(path: str) -> int:
    """Writes `.br` and `.gz` beside the file (unless they are newer); the brotli size."""
    out = path + ".br"
    if not (os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(path)):
        subprocess.run(["brotli", "-f", "-k", "-q", "11", path], check=True)
        with open(path, "rb") as src, gzip.open(path + ".gz", "wb", compresslevel=9) as dst:
            dst.write(src.read())
    return os.path.getsize(out)


# What no browser module may contain, and what it would mean.
EMBEDDED_BY_MISTAKE = [
    (b"TOML parse error at line", "a TOML parser"),
    (b"Data for `app/src/domain/rubric.rs`", "the rubric's TOML file"),
    (b"Data for `app/src/domain/negative_list.rs`", "the negative list's TOML file"),
]


def main() -> None:
    pkg, hash_file = sys.argv[1], sys.argv[2]
    hashes = {}
    if os.path.exists(hash_file):
        for line in open(hash_file):
            if ":" in line:
                k, v = line.split(":", 1)
                hashes[k.strip()] = v.strip()

    def named(stem: str, kind: str, ext: str) -> str:
        return f"{stem}.{hashes[kind]}.{ext}" if kind in hashes else f"{stem}.{ext}"

    base = [named("jianding", k, k) for k in ("js", "wasm", "css")]
    split_js = named("__wasm_split", "split", "js")
    if not os.path.exists(os.path.join(pkg, split_js)):
        split_js = "__wasm_split.______________________.js"
    manifest_name = named("__wasm_split_manifest", "manifest", "json")
    if not os.path.exists(os.path.join(pkg, manifest_name)):
        manifest_name = "__wasm_split_manifest.json"

    keep = [f for f in base if os.path.exists(os.path.join(pkg, f))]
    manifest = {}
    split_path = os.path.join(pkg, split_js)
    if os.path.exists(split_path):
        keep.append(split_js)
        text = open(split_path, encoding="utf-8").read()
        keep += sorted(set(re.findall(r"[A-Za-z0-9_.\-]+\.wasm", text)) - set(keep))
        keep = [f for f in keep if os.path.exists(os.path.join(pkg, f))]
        if os.path.exists(os.path.join(pkg, manifest_name)):
            keep.append(manifest_name)
            manifest = json.load(open(os.path.join(pkg, manifest_name)))

    # The browser gets the rubric and the negative list parsed, with the pages' data: neither
    # the TOML files nor a TOML parser may come back into a module (issue 20).
    for f in keep:
        if f.endswith(".wasm"):
            data = open(os.path.join(pkg, f), "rb").read()
            for marker, what in EMBEDDED_BY_MISTAKE:
                if marker in data:
                    sys.exit(f"site_files: {f} contains {what} ({marker.decode()!r})")

    sizes = {f: (os.path.getsize(os.path.join(pkg, f)), precompress(os.path.join(pkg, f))) for f in keep}

    # Older builds' files (and their compressed copies) go; nothing goes when this build's
    # files could not be named (no hash.txt matching the site: a build of another checkout).
    kept = set(keep) | {f + ".br" for f in keep} | {f + ".gz" for f in keep}
    if all(os.path.exists(os.path.join(pkg, f)) for f in base) and os.path.exists(split_path):
        for f in os.listdir(pkg):
            p = os.path.join(pkg, f)
            if os.path.isfile(p) and f not in kept:
                os.remove(p)
    else:
        print("site_files: this build's files are not all named by hash.txt; nothing removed")

    kb = lambda n: f"{n / 1024:8.1f} KB"
    chunks = [f for f in keep if f not in base and f != split_js and f != manifest_name]
    print(f"site files of this build: {len(keep)} ({len(chunks)} WASM chunks)")
    for f in base + [split_js]:
        if f in sizes:
            print(f"  {kb(sizes[f][1])} brotli {kb(sizes[f][0])} raw  {f}")
    for f in sorted(chunks, key=lambda f: -sizes[f][1]):
        print(f"  {kb(sizes[f][1])} brotli {kb(sizes[f][0])} raw  {f}")
    total_br = sum(s[1] for s in sizes.values())
    print(f"  {kb(total_br)} brotli in all")

    first = sum(sizes[f][1] for f in base if f in sizes)
    print(f"first load (brotli): main module, its JS and the stylesheet {kb(first)}")
    by_name = {f.split(".")[0]: f for f in chunks}
    for key in sorted(manifest):
        # The manifest names the group's own module (split_<key>) and every chunk it needs.
        files = [by_name[m.split(".")[0]] for m in manifest[key] if m.split(".")[0] in by_name]
        group = re.sub(r"^_+|_\d+$", "", key)
        total = first + sizes[split_js][1] + sum(sizes[f][1] for f in files)
        print(f"  {kb(total)}  {group} ({len(files)} chunks)")


if __name__ == "__main__":
    main()
