"""``ogh serve``: run the web app under gunicorn, a production WSGI server.

Binds to ``server.host``:``server.port`` (127.0.0.1:8080 unless configured)
and prints the URL it serves at once it is listening (port 0 picks a free
port, and the URL printed has it). Each worker process builds the app with
:func:`hub.web.create_app`; threads within a worker share its store reader
and search index.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from hub.settings import Config


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "serve",
        help="serve the web site (search, entity pages, sources) with gunicorn",
        description="Serve the hub's web site with gunicorn. The defaults come from the "
        "settings server.host, server.port, server.workers and server.threads.",
    )
    p.add_argument("--host", help="address to bind (default: server.host, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port to listen on; 0 picks a free one (default: server.port)")
    p.add_argument("--workers", type=_positive, help="worker processes (default: server.workers)")
    p.add_argument("--threads", type=_positive, help="threads per worker (default: server.threads)")
    p.add_argument("--access-log", action="store_true", help="log every request on stderr")
    p.set_defaults(func=run)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {number}")
    return number


def url_for_bind(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    if host in ("0.0.0.0", "::", "[::]"):
        shown = "127.0.0.1" if host == "0.0.0.0" else "[::1]"
    return f"http://{shown}:{port}/"


def write_refusal(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's own answer to a request it refuses before the app sees it (a
    request line or headers too large, a malformed request): plain text, and the
    security headers every page of the hub carries. Put in place of
    ``gunicorn.util.write_error``, which answers in HTML without them."""
    from gunicorn.util import write_nonblock

    from hub.web.site import SECURITY_HEADERS

    reason = "".join(c for c in reason if c.isprintable()) or "Bad Request"
    body = f"{status_int} {reason}\n\n{mesg}\n".encode("utf-8", "replace")
    head = [f"HTTP/1.1 {int(status_int)} {reason}", "Connection: close",
            "Content-Type: text/plain; charset=utf-8", f"Content-Length: {len(body)}",
            "Cache-Control: no-store"]
    head += [f"{name}: {value}" for name, value in SECURITY_HEADERS.items()]
    write_nonblock(sock, ("\r\n".join(head) + "\r\n\r\n").encode("latin-1", "replace") + body)


def run(args: argparse.Namespace, config: Config) -> int:
    import gunicorn.util
    from gunicorn.app.base import BaseApplication

    from hub.cli import CommandError
    from hub.index import current_generation

    host = args.host or config["server.host"]
    port = config["server.port"] if args.port is None else args.port
    if not 0 <= port <= 65535:
        raise CommandError(f"--port must be from 0 to 65535, not {port}")
    workers = args.workers or config["server.workers"]
    threads = args.threads or config["server.threads"]
    bind = f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"
    name = config["hub.name"]

    def when_ready(server: Any) -> None:
        listener = server.LISTENERS[0]
        bound_host, bound_port = listener.sock.getsockname()[:2]
        print(f"{name} is serving at {url_for_bind(str(bound_host), int(bound_port))} "
              f"({workers} worker{'s' if workers != 1 else ''}, {threads} threads each; "
              "Ctrl-C stops it)", flush=True)
        if current_generation(config) is None:
            print("No search index has been built yet: run `ogh index` to build it.", flush=True)

    options: dict[str, Any] = {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": 60,
        "graceful_timeout": 10,
        "keepalive": 5,
        "proc_name": "ogh-serve",
        "when_ready": when_ready,
        "errorlog": "-",
        "loglevel": "warning",
        "accesslog": "-" if args.access_log else None,
        # The page that answers a request never needs a header this large;
        # longer ones are refused by gunicorn itself.
        "limit_request_line": 8190,
    }

    # The rate limit's table, made before gunicorn forks: one count for all workers.
    from hub.web import ratelimit

    ratelimit.share()
    gunicorn.util.write_error = write_refusal  # its workers call util.write_error by name

    class HubServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            from hub.web import create_app

            return create_app(config)

    try:
        HubServer().run()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
        if code:
            print(f"ogh serve: the server could not start on {bind} (see the messages above)",
                  file=sys.stderr)
        return code
    return 0
