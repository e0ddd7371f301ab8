"""A full disk and a read-only data directory.

The data directory lives on a small tmpfs mounted for the test (a real
filesystem limit: ENOSPC, EROFS); where mounting is not permitted, a file size
limit on a child process stands in for the full disk and for the read-only
directory (EFBIG on every write past it). Each command that writes (harvest,
import, load) fails with a clear error and no traceback, the store still opens
and validates, each source holds its old graph or its new one, and once there
is room again the next runs bring the store up to date.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.cli import main
from hub.settings import load_config
from hub.store import OxigraphStore, open_store
from hub.validate import validate_store
from tests.conftest import SEEDS
from tests.reliability.helpers import SOURCES, graphs, run_child, versions

GRAPH = "https://w3id.org/ogh/graph/source/loaded"
#: Room for the rounds below: snapshots less than a minute old are kept for
#: readers, and these rounds write a dozen times within a minute.
DISK_KB = 96 * 1024
#: free space left on the full disk, in bytes
LEVELS = (0, 16 * 1024, 256 * 1024, 1024 * 1024)


def _mount(*args: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@contextlib.contextmanager
def small_disk(path: Path) -> Iterator[bool]:
    """A tmpfs of :data:`DISK_KB` at ``path``; False when it cannot be mounted."""
    path.mkdir()
    mounted = _mount("-t", "tmpfs", "-o", f"size={DISK_KB}k,mode=0755", "tmpfs", str(path))
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(disk: Path, leave: int) -> Path:
    """Take all the free space of ``disk`` but ``leave`` bytes."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as f:
        stat = os.statvfs(disk)
        size = stat.f_bavail * stat.f_frsize - leave
        while size > 0:
            try:
                os.posix_fallocate(f.fileno(), 0, size)
                break
            except OSError:
                size -= 16 * 1024
        if leave == 0:
            with contextlib.suppress(OSError):  # whatever is left, to the last block
                while True:
                    f.write(b"\0" * 4096)
    return filler


class Ogh:
    """``ogh`` in this process (on the small disk) or in a child process under
    a file size limit (the stand-in)."""

    def __init__(self, config, capsys, monkeypatch, limit: int | None) -> None:
        self.config, self.capsys, self.limit = config, capsys, limit
        monkeypatch.setenv("OGH_HOME", str(config.data_dir))

    def __call__(self, *argv: str, limited: bool = True) -> tuple[int, str]:
        if self.limit is not None and limited:
            report = run_child(self.config, "--max-file-size", str(self.limit), "cli", *argv)
            return report["exit"], report["stdout"] + report["stderr"]
        self.capsys.readouterr()
        code = main(list(argv))
        out = self.capsys.readouterr()
        return code, out.out + out.err

    def ok(self, *argv: str) -> None:
        """Run a command that must succeed (with room on the disk)."""
        code, out = self(*argv, limited=False)
        assert code == 0, out


def assert_clear(code: int, err: str, *reasons: str) -> None:
    assert "Traceback" not in err, err
    if code != 0:
        assert any(r in err for r in reasons), err


def check_store(config, known, tally, when: str, writer: bool = False) -> None:
    """The published store validates and holds one version of each source;
    with ``writer``, the working store too (opening it restores one left dirty)."""
    stores = [open_store(config)] + ([OxigraphStore(config.data_dir)] if writer else [])
    try:
        assert not validate_store(stores[0]).violations, when
        for store in stores:
            for source, graph in graphs(store).items():
                assert tally.kept(f"{source} {when}", graph, known["A"][source], known["B"][source]), when
    finally:
        for store in stores:
            store.close()


def setup_versions(tmp_path, config, ogh) -> tuple[dict[str, Path], dict]:
    corpora = versions(tmp_path / "corpus")
    known = {}
    for version in ("B", "A"):
        ogh.ok("harvest", *SOURCES, "--replay", str(corpora[version]))
        with open_store(config) as reader:
            known[version] = graphs(reader)
    return corpora, known


FULL = ("No space left on device", "File too large", "no space", "cannot write")


@pytest.mark.slow
def test_disk_full(tmp_path, capsys, monkeypatch, tally) -> None:
    seed = SEEDS / "000_ae46de3ade61df18.txt"
    turtle = tmp_path / "data.ttl"
    turtle.write_text('<https://example.org/a> <https://example.org/p> "loaded" .\n')
    with small_disk(tmp_path / "disk") as mounted:
        disk = tmp_path / "disk"
        config = load_config(overrides={"hub.data_dir": str(disk / "data"), "http.min_interval": 0.0})
        ogh = Ogh(config, capsys, monkeypatch, None if mounted else 4096)
        corpora, known = setup_versions(tmp_path, config, ogh)
        for leave in LEVELS if mounted else (None,):
            filler = fill(disk, leave) if mounted else None
            what = f"disk full ({leave // 1024} KiB free)" if mounted else "file size limit"
            for argv in (("harvest", *SOURCES, "--replay", str(corpora["B"])), ("import", str(seed)),
                         ("load", str(turtle), "--graph", GRAPH)):
                tally.fault(f"{what}: ogh {argv[0]}")
                code, err = ogh(*argv)
                assert_clear(code, err, *FULL)
            check_store(config, known, tally, f"after {what}")
            if filler is not None:
                filler.unlink()
            check_store(config, known, tally, f"after {what}, with room again", writer=True)
            # Room again: a complete harvest of either version gives that version.
            for version in ("B", "A"):
                ogh.ok("harvest", *SOURCES, "--replay", str(corpora[version]))
                with open_store(config) as reader:
                    assert all(tally.kept(f"{s} after {what}, harvested again", g, known[version][s])
                               for s, g in graphs(reader).items())
        ogh.ok("import", str(seed))


@contextlib.contextmanager
def read_only(folder: Path, mounted: bool) -> Iterator[bool]:
    """``folder`` (a tmpfs) remounted read-only; False when it cannot be."""
    done = mounted and _mount("-o", "remount,ro", str(folder))
    try:
        yield done
    finally:
        if done:
            _mount("-o", "remount,rw", str(folder))


@pytest.mark.slow
def test_read_only_data_directory(tmp_path, capsys, monkeypatch, tally) -> None:
    seed = SEEDS / "000_ae46de3ade61df18.txt"
    turtle = tmp_path / "data.ttl"
    turtle.write_text('<https://example.org/a> <https://example.org/p> "loaded" .\n')
    with small_disk(tmp_path / "disk") as mounted:
        disk = tmp_path / "disk"
        config = load_config(overrides={"hub.data_dir": str(disk / "data"), "http.min_interval": 0.0})
        ogh = Ogh(config, capsys, monkeypatch, None)
        corpora, known = setup_versions(tmp_path, config, ogh)
        with read_only(disk, mounted) as remounted:
            if not remounted:
                ogh.limit = 0  # every write fails: the stand-in for a read-only directory
            probe = disk / "data" / "probe"
            if remounted:
                with pytest.raises(OSError) as err:
                    probe.write_text("x")
                assert err.value.errno == errno.EROFS
            what = "read-only data directory" if remounted else "no write allowed"
            for argv in (("harvest", *SOURCES, "--replay", str(corpora["B"])), ("import", str(seed)),
                         ("load", str(turtle), "--graph", GRAPH)):
                tally.fault(f"{what}: ogh {argv[0]}")
                code, err = ogh(*argv)
                assert code != 0, (argv, err)
                assert_clear(code, err, "Read-only file system", "File too large", "cannot")
            # Readers need no write: the store is still read and checked.
            for argv in (("sources",), ("validate",), ("stats",)):
                code, err = ogh(*argv)
                assert code == 0 and "Traceback" not in err, (argv, err)
            with open_store(config) as reader:
                assert all(tally.kept(f"{s} on a {what}", g, known["A"][s])
                           for s, g in graphs(reader).items())
        ogh.limit = None
        ogh.ok("harvest", *SOURCES, "--replay", str(corpora["B"]))
        with open_store(config) as reader:
            assert all(tally.kept(f"{s} once writable again", g, known["B"][s])
                       for s, g in graphs(reader).items())
