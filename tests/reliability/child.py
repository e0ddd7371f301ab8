"""A child process of the reliability suite, for what must be measured or
killed from outside the test process.

    python -m tests.reliability.child [--max-memory BYTES] [--max-file-size BYTES] cli ARG...
    python -m tests.reliability.child [--max-memory BYTES] [--max-file-size BYTES] harvest SPEC.json

``cli`` runs ``ogh ARG...``; ``harvest`` starts a replay server over
``spec["corpus"]``, injects ``spec["faults"]`` and harvests ``spec["sources"]``
through it, as ``ogh harvest --replay`` does. The configuration comes from
``OGH_HOME`` and ``OGH_CONFIG``. The last line of stdout is a JSON report: exit
code, peak resident memory (``ru_maxrss``, KiB) and the runs' results.
``--max-file-size`` stands in for a full disk where no small filesystem can be
mounted: writing past it fails with EFBIG, as writing to a full disk fails
with ENOSPC.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
from pathlib import Path
from typing import Any


def _harvest(spec_path: str) -> dict[str, Any]:
    from harvesters.replay import Fault, ReplayServer
    from hub.runner import harvest
    from hub.settings import load_config

    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    config = load_config()
    with ReplayServer(spec["corpus"]) as server:
        for fault in spec.get("faults", []):
            options = {k: v for k, v in fault.items() if k not in ("url", "body_file")}
            if fault.get("body_file"):
                options["body"] = Path(fault["body_file"]).read_bytes()
            server.inject(fault["url"], Fault(**options))
        results = harvest(config, spec["sources"], rewrite=server.url)
    return {"rc": 0 if all(r.outcome != "failed" for r in results) else 1,
            "results": [r.as_dict() for r in results]}


def main(argv: list[str]) -> int:
    while argv[:1] in (["--max-memory"], ["--max-file-size"]):
        limit = int(argv[1])
        if argv[0] == "--max-memory":
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        else:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, not kills
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        argv = argv[2:]
    mode, args = argv[0], argv[1:]
    if mode == "cli":
        from hub.cli import main as ogh

        report: dict[str, Any] = {"rc": ogh(args)}
    elif mode == "harvest":
        report = _harvest(args[0])
    else:
        raise SystemExit(f"unknown mode {mode}")
    report["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sys.stdout.flush()
    print("\n" + json.dumps(report))
    return int(report["rc"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
