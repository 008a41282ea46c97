"""The two ways a command fails on purpose, each with its exit status."""

from __future__ import annotations


class DlvizError(Exception):
    """A failure the user can fix; the message is printed as one line."""

    exit_code = 1


class BadInput(DlvizError):
    """An option has a value dlviz cannot use: exit status 2, nothing written."""

    exit_code = 2

    def __init__(self, option: str, value: object, allowed: str):
        # a flag, or a value too big to repeat ("…"), is named by its option alone
        shown = "" if isinstance(value, bool) or value == "…" else f" {value!s}"
        super().__init__(f"{option}{shown}: {allowed}")
        self.option, self.value, self.allowed = option, value, allowed


class MissingTool(DlvizError):
    """A system tool (ffmpeg, LaTeX, ...) is missing: exit status 1."""

    exit_code = 1

    def __init__(self, tool: str, needed_for: str, install: str):
        super().__init__(
            f"{tool} is needed for {needed_for} but was not found; install it with: {install}"
        )


class SpecError(ValueError):
    """A topic's spec refused a value: ``param`` is the spec field (dotted for
    a nested one, e.g. ``landscape.x_range``), ``value`` what it was given and
    ``allowed`` what it takes. The command line maps ``param`` to its option."""

    def __init__(self, param: str, value: object, allowed: str):
        super().__init__(f"{param} = {value!s}: {allowed}")
        self.param, self.value, self.allowed = param, value, allowed
