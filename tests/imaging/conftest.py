"""One phantom and its series, written once per session; tests that change files copy it."""

from __future__ import annotations

from pathlib import Path

import pytest

from imaging import Volume, read_ct_volume
from tests.imaging.phantom import Phantom, make_phantom, write_series


@pytest.fixture(scope="session")
def phantom() -> Phantom:
    return make_phantom()


@pytest.fixture(scope="session")
def phantom_paths(phantom: Phantom, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_series(tmp_path_factory.mktemp("phantom"), phantom)


@pytest.fixture(scope="session")
def volume(phantom_paths: list[Path]) -> Volume:
    return read_ct_volume(phantom_paths)
