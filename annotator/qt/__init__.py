"""Qt adapters: windows, widgets, item models and undo commands. Talks to services only."""
