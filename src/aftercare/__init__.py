"""Aftercare: after-sales service management driven by a written service standard."""

__version__ = "0.1.0"
