"""Sigap: city problem reporting and government response."""

__version__ = "0.1.0"
