"""structlog and httpx, loaded without ``rich``.

Both import rich whenever it is installed (structlog for pretty tracebacks, httpx for its
command-line client), and typer installs it: 52 modules and ~4 MB in every web and worker
process, measured, for output no process here produces (our log renderers take exceptions as
plain text, ``logs.setup``; nothing runs httpx's CLI). The web process must stay under
300 MB with the intent model loaded (issue 11). ``minidesk/__init__.py`` loads the two here
first, with rich refused for the duration; typer still finds rich for the CLI's help.
"""

from __future__ import annotations

import importlib
import importlib.abc
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType


class _Refused(importlib.abc.MetaPathFinder):
    """Makes ``import rich`` (and its submodules) fail while installed; a module already
    loaded is unaffected."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname == "rich" or fullname.startswith("rich."):
            raise ModuleNotFoundError(f"{fullname} is left out here", name=fullname)
        return None


def load(*names: str) -> None:
    refused = _Refused()
    sys.meta_path.insert(0, refused)
    try:
        for name in names:
            importlib.import_module(name)
    finally:
        sys.meta_path.remove(refused)
