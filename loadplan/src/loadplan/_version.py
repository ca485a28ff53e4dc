"""The version of this distribution, read by its build (``pyproject.toml``) and at run time."""

__version__ = "0.1.0"
