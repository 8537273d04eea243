"""Errors whose message is written for the user (shown as-is, never as a traceback)."""


class UserInputError(ValueError):
    """Bad input from the user: a file, an offset, a name. Exit status 2 on the CLI."""


class OperationCancelled(Exception):  # noqa: N818 (reads as a state, like KeyboardInterrupt)
    """The user cancelled a long operation; nothing was written."""
