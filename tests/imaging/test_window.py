"""Window presets map known HU to known grey levels by DICOM's linear VOI function."""

from __future__ import annotations

import numpy as np
import pytest

from imaging import PRESETS, WindowPreset, apply_window, default_window


def preset(name: str) -> WindowPreset:
    return next(p for p in PRESETS if p.name == name)


def test_the_presets_are_radiopaedias_windows() -> None:
    assert {p.name: (p.width, p.center) for p in PRESETS} == {
        "lung": (1500, -600),
        "mediastinum": (350, 50),
        "soft-tissue": (400, 50),
        "bone": (1800, 400),
        "brain": (80, 40),
        "liver": (150, 30),
    }


@pytest.mark.parametrize(
    ("name", "hu", "grey"),
    [
        # ((hu - (c - 0.5)) / (w - 1) + 0.5) × 255, clipped and rounded
        ("lung", [-1350, -600, 149, 150], [0, 128, 255, 255]),
        ("soft-tissue", [-150, 40, 50, 249], [0, 121, 128, 255]),
        ("bone", [-500, 400, 1000], [0, 128, 213]),
        ("brain", [0, 40, 79, 80], [0, 129, 255, 255]),
    ],
)
def test_a_preset_maps_known_hu_to_known_grey_levels(
    name: str, hu: list[int], grey: list[int]
) -> None:
    window = preset(name)
    shown = apply_window(np.array(hu, dtype=np.int16), window.center, window.width)
    assert shown.dtype == np.uint8
    assert shown.tolist() == grey


def test_a_window_one_hu_wide_is_a_threshold_and_narrower_is_refused() -> None:
    # Width 1: x <= c - 0.5 is black, anything above is white.
    assert apply_window(np.array([99, 100, 101]), 100, 1).tolist() == [0, 255, 255]
    with pytest.raises(ValueError):
        apply_window(np.array([0]), 0, 0.5)


def test_the_series_own_window_comes_first_else_soft_tissue() -> None:
    own = WindowPreset("series-1", 40, 80)
    assert default_window((own,)) == own
    assert default_window(()) == preset("soft-tissue")
