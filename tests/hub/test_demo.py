"""``ogh demo`` (what `make run` runs): an empty store is filled from the
recorded corpus and the seeds and indexed; a second start reuses the data."""

from __future__ import annotations

import json

from hub.cli import main
from tests.conftest import CORPUS


def test_demo_fills_an_empty_store_once(config, monkeypatch, capsys) -> None:
    monkeypatch.setenv("OGH_HOME", str(config.data_dir))
    assert main(["demo", "--no-serve", "--corpus", str(CORPUS)]) == 0
    err = capsys.readouterr().err
    assert "harvesting the recorded corpus" in err and "imported 5 seed documents" in err
    assert main(["stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert set(stats["classes"]["ActionPlan"]) >= {"uk", "scotland", "wales", "northern-ireland", "glasgow"}
    assert (config.data_dir / "index").is_dir()
    assert main(["demo", "--no-serve", "--corpus", str(CORPUS)]) == 0
    assert "harvesting" not in capsys.readouterr().err
