"""The package version (a leaf: the CLI and SARIF name it)."""

__version__ = "0.1.0"
