"""User-facing errors: the CLI prints these as one line and exits non-zero, never with a traceback."""


class UserError(Exception):
    """A mistake the user can fix (bad argument, missing file, unknown task id, ...)."""
