"""A one-source configuration for tests of the harvest machinery: the
Northern Ireland pages of the recorded corpus (two documents, two hosts),
small enough to harvest in a moment and real enough to fail in every way."""

from __future__ import annotations

import shutil
from pathlib import Path

from hub.settings import DEFAULT_CONFIG_DIR

TOPIC = "https://www.finance-ni.gov.uk/topics/transparency-and-open-government"
NETWORK = "https://opengovernment.org.uk/networks/ni-ogn/"

SOURCES = f"""
[[source]]
id = "ni-pages"
name = "Northern Ireland pages"
jurisdiction = "northern-ireland"
publisher = "Department of Finance"
harvester = "pages"
base_url = "https://www.finance-ni.gov.uk"
hosts = ["www.finance-ni.gov.uk", "opengovernment.org.uk"]
entry_points = ["{TOPIC}", "{NETWORK}"]
licence = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
expect = {{ Document = 2 }}
"""


def config_folder(folder: Path) -> Path:
    """``folder`` made a configuration folder: the project's ``hub.toml`` and
    the one source."""
    folder.mkdir(parents=True)
    shutil.copy(DEFAULT_CONFIG_DIR / "hub.toml", folder / "hub.toml")
    (folder / "sources.toml").write_text(SOURCES)
    return folder
