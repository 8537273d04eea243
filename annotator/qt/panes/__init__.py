"""Dock panes, one module each (see annotator/qt/pane.py and docs/architecture.md)."""
