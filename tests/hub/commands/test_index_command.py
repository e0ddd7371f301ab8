"""``ogh index``: rebuild, or re-index some sources, from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hub import index
from hub.cli import main
from tests.hub.conftest import build_site


def test_ogh_index_rebuilds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    config = build_site(tmp_path / "data", with_index=False)
    monkeypatch.setenv("OGH_HOME", str(tmp_path / "data"))
    assert main(["index"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Indexed ") and "entities" in out
    assert index.current_generation(config) is not None
    assert main(["index", "--source", "govscot", "--json"]) == 0
    done = json.loads(capsys.readouterr().out)
    assert done["mode"] == "update" and done["sources"] == ["govscot"] and done["reindexed"] >= 4


def test_ogh_index_names_an_unknown_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    build_site(tmp_path / "data")
    monkeypatch.setenv("OGH_HOME", str(tmp_path / "data"))
    assert main(["index", "--source", "nowhere"]) == 2
    err = capsys.readouterr().err
    assert "unknown source 'nowhere'" in err and "govscot" in err
