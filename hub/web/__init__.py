"""The Flask application factory.

``create_app(config)`` builds the app from a :class:`hub.settings.Config` (or a
config folder, or a dict of setting overrides for tests). Each area of the site
is one blueprint module under :mod:`hub.web.blueprints`, found automatically:
a module there defines ``bp`` (a :class:`flask.Blueprint`) and, if it needs
resources, ``init_app(app)``. The store reader is attached once per process in
:func:`hub.web.resources.init_app`; the layout's context, security headers and
error pages in :func:`hub.web.site.init_app`.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

from flask import Flask

from hub.settings import Config, load_config


def create_app(config: Config | str | Path | dict[str, Any] | None = None) -> Flask:
    if isinstance(config, Config):
        cfg = config
    elif isinstance(config, dict):
        cfg = load_config(overrides=config)
    else:
        cfg = load_config(config)
    app = Flask(__name__)
    app.config["OGH"] = cfg
    app.config["JSON_SORT_KEYS"] = False
    app.json.sort_keys = False  # type: ignore[attr-defined]

    from hub.web import resources, site

    resources.init_app(app)
    site.init_app(app)

    import hub.web.blueprints as blueprints

    for info in sorted(pkgutil.iter_modules(blueprints.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"hub.web.blueprints.{info.name}")
        if hasattr(module, "init_app"):
            module.init_app(app)
        app.register_blueprint(module.bp)
    return app
