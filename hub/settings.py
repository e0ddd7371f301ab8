"""Settings, declared once with a default and a line of help.

Values come, in rising order of precedence, from the defaults below,
``config/hub.toml`` (or ``$OGH_CONFIG/hub.toml``) and environment variables
named ``OGH_<SECTION>_<KEY>`` (``OGH_SERVER_PORT=9000``). Two short names are
kept for the common cases: ``OGH_HOME`` for the data directory and
``OGH_CONFIG`` for another config folder.

A bad value fails with the file, the key and what was expected
(:class:`ConfigError`); an unknown key fails too, so a typo never goes unseen.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_DIR = PROJECT_ROOT / "config"


class ConfigError(ValueError):
    """A configuration file or variable that cannot be used; the message names
    the file (or variable), the key and what was expected."""


@dataclass(frozen=True)
class Setting:
    section: str
    key: str
    type: type
    default: Any
    help: str
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None

    @property
    def name(self) -> str:
        return f"{self.section}.{self.key}"

    @property
    def env(self) -> str:
        return f"OGH_{self.section}_{self.key}".upper()


SETTINGS: tuple[Setting, ...] = (
    # hub
    Setting("hub", "data_dir", str, "var",
            "Where the store, search index, caches and dumps live; relative paths "
            "are taken from the project folder. OGH_HOME overrides it."),
    Setting("hub", "base_url", str, "http://127.0.0.1:8080",
            "The public URL the hub is served at, used in links, dumps and the "
            "service description."),
    Setting("hub", "name", str, "Open Government Hub", "The hub's name, shown on every page."),
    # store
    Setting("store", "backend", str, "oxigraph",
            "'oxigraph' for the embedded store on disk, 'sparql' for a remote "
            "SPARQL 1.1 server.", choices=("oxigraph", "sparql")),
    Setting("store", "query_url", str, "",
            "The remote server's SPARQL query endpoint (store.backend = 'sparql')."),
    Setting("store", "update_url", str, "",
            "The remote server's SPARQL update endpoint (store.backend = 'sparql')."),
    Setting("store", "graph_store_url", str, "",
            "The remote server's Graph Store Protocol endpoint, if it has one."),
    Setting("store", "user_env", str, "OGH_STORE_USER",
            "The environment variable holding the remote server's user name."),
    Setting("store", "password_env", str, "OGH_STORE_PASSWORD",
            "The environment variable holding the remote server's password."),
    Setting("store", "timeout", float, 60.0,
            "Seconds to wait for the remote server's answer to one request, and for a "
            "write being switched in to finish before a read gives up (store.backend = "
            "'sparql').", minimum=0.1),
    Setting("store", "keep_snapshots", int, 3,
            "How many published snapshots of the embedded store to keep for "
            "readers.", minimum=1),
    # http
    Setting("http", "user_agent", str,
            "OpenGovernmentHub/0.1 (+https://w3id.org/ogh/; open government secretariats' hub)",
            "The User-Agent of every harvest request: names the hub and its URL."),
    Setting("http", "connect_timeout", float, 10.0, "Seconds to wait for a connection.",
            minimum=0.1),
    Setting("http", "read_timeout", float, 30.0,
            "Seconds to wait between bytes of a response (and in all for a body).", minimum=0.1),
    Setting("http", "max_seconds", float, 120.0,
            "The longest a whole response may take to arrive, in seconds (bounds slow bodies).",
            minimum=0.1),
    Setting("http", "retries", int, 3,
            "Retries after a connection error, 429 or 5xx, with exponential backoff.",
            minimum=0),
    Setting("http", "backoff", float, 1.0, "Seconds before the first retry; doubles each time.",
            minimum=0),
    Setting("http", "max_retry_after", float, 120.0,
            "The longest Retry-After the client will wait; longer ones fail the request.",
            minimum=0),
    Setting("http", "min_interval", float, 1.0,
            "Seconds between two requests to one host (the per-host rate limit).", minimum=0),
    Setting("http", "max_bytes", int, 20_000_000,
            "The largest response body accepted, in bytes.", minimum=1),
    Setting("http", "max_redirects", int, 5, "Redirects followed for one request.", minimum=0),
    Setting("http", "obey_robots", bool, True, "Obey each host's robots.txt."),
    # harvest
    Setting("harvest", "max_documents", int, 5000,
            "The most documents one source may fetch in one run.", minimum=1),
    # search
    Setting("search", "page_size", int, 20, "Results per search page.", minimum=1),
    Setting("search", "max_query_length", int, 500,
            "The longest search query accepted, in characters.", minimum=1),
    # sparql
    Setting("sparql", "timeout", float, 10.0,
            "Seconds a SPARQL query may run before it is stopped.", minimum=0.1),
    Setting("sparql", "max_rows", int, 10_000, "The most result rows one query returns.",
            minimum=1),
    Setting("sparql", "max_body_bytes", int, 1_000_000,
            "The largest request body /sparql accepts.", minimum=1),
    Setting("sparql", "workers", int, 2, "Query processes answering /sparql.", minimum=1),
    Setting("sparql", "max_result_bytes", int, 50_000_000,
            "The largest serialized result /sparql returns, in bytes; longer results "
            "are cut (at a whole row) and marked as truncated.", minimum=1),
    Setting("sparql", "cache_bytes", int, 64_000_000,
            "Memory each web process keeps for /sparql answers, per published snapshot: a "
            "query asked again before the next harvest is answered from it (0: no cache; a "
            "request with Cache-Control: no-cache always runs the query).", minimum=0),
    # server
    Setting("server", "host", str, "127.0.0.1", "The address `ogh serve` binds to."),
    Setting("server", "port", int, 8080, "The port `ogh serve` listens on.", minimum=0),
    Setting("server", "workers", int, 1, "Worker processes of `ogh serve`.", minimum=1),
    Setting("server", "threads", int, 8, "Threads per worker.", minimum=1),
    Setting("server", "rate_limit", int, 600,
            "Requests one client address may make per minute, beyond which it is answered 429 "
            "with Retry-After (0: no limit). Shared by all the workers of `ogh serve`; under "
            "another WSGI server each process counts on its own.", minimum=0),
    Setting("server", "proxies", int, 0,
            "How many reverse proxies in front of the hub set X-Forwarded-For; the client "
            "address (for the rate limit) is then the one the nearest proxy saw. 0: the "
            "connection's own address.", minimum=0),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Source:
    """One entry of ``config/sources.toml``: a site the hub harvests."""

    id: str
    name: str
    jurisdiction: str
    publisher: str
    harvester: str
    base_url: str
    hosts: tuple[str, ...]
    entry_points: tuple[str, ...]
    licence: str
    expect: dict[str, int] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Config:
    """The hub's settings and sources, resolved."""

    values: dict[str, Any]
    sources: dict[str, Source]
    config_dir: Path

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    @property
    def data_dir(self) -> Path:
        path = Path(self.values["hub.data_dir"]).expanduser()
        if not path.is_absolute():
            path = PROJECT_ROOT / path
        return path

    def source(self, source_id: str) -> Source:
        try:
            return self.sources[source_id]
        except KeyError:
            known = ", ".join(sorted(self.sources)) or "none"
            raise ConfigError(f"unknown source {source_id!r}; known sources: {known}") from None


def _coerce(setting: Setting, value: Any, where: str) -> Any:
    expected = setting.type.__name__
    if setting.type is bool:
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in {"1", "true", "yes", "on"}:
                value = True
            elif lowered in {"0", "false", "no", "off"}:
                value = False
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {setting.name} must be true or false, not {value!r}")
    elif setting.type in (int, float):
        if isinstance(value, bool):
            raise ConfigError(f"{where}: {setting.name} must be a number ({expected}), not {value!r}")
        try:
            value = setting.type(value) if isinstance(value, str) else value
        except ValueError:
            raise ConfigError(
                f"{where}: {setting.name} must be a number ({expected}), not {value!r}"
            ) from None
        if setting.type is int and (not isinstance(value, int) or isinstance(value, float)):
            raise ConfigError(f"{where}: {setting.name} must be a whole number, not {value!r}")
        if setting.type is float and not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: {setting.name} must be a number, not {value!r}")
        value = setting.type(value)
        if setting.minimum is not None and value < setting.minimum:
            raise ConfigError(f"{where}: {setting.name} must be at least {setting.minimum}, not {value}")
    elif not isinstance(value, setting.type):
        raise ConfigError(f"{where}: {setting.name} must be a {expected}, not {value!r}")
    if setting.choices and value not in setting.choices:
        raise ConfigError(
            f"{where}: {setting.name} must be one of {', '.join(map(repr, setting.choices))}, "
            f"not {value!r}"
        )
    return value


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror}") from None


def _load_settings(path: Path, environ: dict[str, str]) -> dict[str, Any]:
    values = {s.name: s.default for s in SETTINGS}
    if path.exists():
        data = _read_toml(path)
        for section, table in data.items():
            if not isinstance(table, dict):
                raise ConfigError(f"{path}: [{section}] must be a table of settings, not {table!r}")
            for key, value in table.items():
                name = f"{section}.{key}"
                setting = _BY_NAME.get(name)
                if setting is None:
                    known = ", ".join(s.key for s in SETTINGS if s.section == section)
                    hint = f" (known in [{section}]: {known})" if known else ""
                    raise ConfigError(f"{path}: unknown setting {name}{hint}")
                values[name] = _coerce(setting, value, str(path))
    for setting in SETTINGS:
        if setting.env in environ:
            values[setting.name] = _coerce(setting, environ[setting.env], f"${setting.env}")
    if environ.get("OGH_HOME"):
        values["hub.data_dir"] = environ["OGH_HOME"]
    return values


_SOURCE_FIELDS = {
    "id": str, "name": str, "jurisdiction": str, "publisher": str, "harvester": str,
    "base_url": str, "hosts": list, "entry_points": list, "licence": str,
}


def _load_sources(path: Path) -> dict[str, Source]:
    from harvesters.records import JURISDICTIONS

    if not path.exists():
        raise ConfigError(f"{path}: the source registry is missing")
    data = _read_toml(path)
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: 'source' must be an array of tables ([[source]])")
    sources: dict[str, Source] = {}
    for i, entry in enumerate(entries):
        where = f"{path}: source #{i + 1}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where} must be a table")
        if "id" in entry:
            where = f"{path}: source {entry['id']!r}"
        for key, typ in _SOURCE_FIELDS.items():
            if key not in entry:
                raise ConfigError(f"{where}: missing key {key!r} ({typ.__name__})")
            if not isinstance(entry[key], typ):
                raise ConfigError(
                    f"{where}: {key} must be a {typ.__name__}, not {entry[key]!r}"
                )
        unknown = set(entry) - set(_SOURCE_FIELDS) - {"expect", "options"}
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        if entry["jurisdiction"] not in JURISDICTIONS:
            raise ConfigError(
                f"{where}: jurisdiction must be one of {', '.join(JURISDICTIONS)}, "
                f"not {entry['jurisdiction']!r}"
            )
        for key in ("hosts", "entry_points"):
            if not all(isinstance(v, str) for v in entry[key]):
                raise ConfigError(f"{where}: {key} must be a list of strings")
        if not entry["base_url"].startswith(("http://", "https://")):
            raise ConfigError(f"{where}: base_url must be an http(s) URL, not {entry['base_url']!r}")
        expect = entry.get("expect", {})
        if not isinstance(expect, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in expect.values()
        ):
            raise ConfigError(f"{where}: expect must map kinds to whole numbers (minimum counts)")
        options = entry.get("options", {})
        if not isinstance(options, dict):
            raise ConfigError(f"{where}: options must be a table")
        if entry["id"] in sources:
            raise ConfigError(f"{where}: the id is used twice")
        sources[entry["id"]] = Source(
            id=entry["id"],
            name=entry["name"],
            jurisdiction=entry["jurisdiction"],
            publisher=entry["publisher"],
            harvester=entry["harvester"],
            base_url=entry["base_url"],
            hosts=tuple(entry["hosts"]),
            entry_points=tuple(entry["entry_points"]),
            licence=entry["licence"],
            expect=dict(expect),
            options=dict(options),
        )
    return sources


def load_config(
    config_dir: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> Config:
    """Read ``hub.toml`` and ``sources.toml`` from the config folder
    (``$OGH_CONFIG``, else the project's ``config/``), apply environment
    overrides, then ``overrides`` (setting name → value, for tests)."""
    env = dict(os.environ if environ is None else environ)
    folder = Path(config_dir or env.get("OGH_CONFIG") or DEFAULT_CONFIG_DIR)
    if not folder.is_dir():
        raise ConfigError(f"{folder}: the config folder does not exist")
    values = _load_settings(folder / "hub.toml", env)
    for name, value in (overrides or {}).items():
        setting = _BY_NAME.get(name)
        if setting is None:
            raise ConfigError(f"override: unknown setting {name}")
        values[name] = _coerce(setting, value, "override")
    sources = _load_sources(folder / "sources.toml")
    return Config(values=values, sources=sources, config_dir=folder)


def settings_markdown() -> str:
    """docs/configuration.md, generated from :data:`SETTINGS`
    (``python -m hub.settings > docs/configuration.md``)."""
    lines = [
        "# Configuration",
        "",
        "Settings are read from `config/hub.toml` (or `$OGH_CONFIG/hub.toml`); each can be",
        "overridden by an environment variable `OGH_<SECTION>_<KEY>`. `OGH_HOME` sets the data",
        "directory and `OGH_CONFIG` another config folder. A bad value stops the hub with the",
        "file (or variable), the key and what was expected.",
        "",
        "Sources are registered in `config/sources.toml`, one `[[source]]` table each: `id`,",
        "`name`, `jurisdiction` (uk, scotland, wales, northern-ireland, glasgow), `publisher`,",
        "`harvester` (a module in `harvesters/`), `base_url`, `hosts` (the only hosts fetched),",
        "`entry_points`, `licence`, and optionally `expect` (minimum entity counts by kind, checked",
        "after each harvest) and `options` (for the harvester).",
        "",
        "This page is generated: `python -m hub.settings > docs/configuration.md`.",
        "",
    ]
    section = None
    for s in SETTINGS:
        if s.section != section:
            section = s.section
            lines += [f"## [{section}]", "", "| setting | default | environment | meaning |",
                      "| --- | --- | --- | --- |"]
        default = repr(s.default) if not isinstance(s.default, str) else f'"{s.default}"'
        extra = f" One of: {', '.join(map(str, s.choices))}." if s.choices else ""
        lines.append(f"| `{s.name}` | `{default}` | `{s.env}` | {s.help}{extra} |")
        nxt = SETTINGS.index(s) + 1
        if nxt == len(SETTINGS) or SETTINGS[nxt].section != section:
            lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(settings_markdown(), end="")
