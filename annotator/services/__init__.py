"""Use cases (import, annotate, export). Each returns what changed so views refresh from it."""
