"""Open Government Hub: the UK's open government action plans, commitments and
meetings from every nation, in one linked-data graph."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def create_app(config: Any = None) -> Any:
    """The Flask application (see :mod:`hub.web`)."""
    from hub.web import create_app as _create_app

    return _create_app(config)
