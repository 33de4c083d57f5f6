"""pydicom's bundled test files: real DICOM from scanners, in the wheel, read offline."""

from __future__ import annotations

from pathlib import Path

from pydicom.data import get_testdata_file


def bundled(name: str) -> Path:
    """A file shipped inside the pydicom wheel (not one of pydicom-data's downloads)."""
    path = get_testdata_file(name)
    assert isinstance(path, str), f"{name} is not bundled with pydicom"
    return Path(path)
