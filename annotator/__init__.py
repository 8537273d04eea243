"""annotator: mark the sourcing of every claim in a news article."""

__version__ = "0.1.0"
