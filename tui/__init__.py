"""afi: a terminal tracker for police inspection improvement plans."""

__version__ = "0.1.0"
