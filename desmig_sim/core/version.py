"""The package version (one place; the top-level package and every manifest read it)."""

__version__ = "0.1.0"
