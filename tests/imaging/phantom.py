"""A synthetic CT phantom written with pydicom: known HU at known positions in mm.

An oblique stack (tilted 20° about the patient's x axis), anisotropic pixels
(0.7 mm between rows, 0.8 mm between columns, 2.5 mm between slices), per-slice
rescale (slope 1 / intercept -1024 and slope 2 / intercept -2048 alternating),
stored unsigned. Contents, in a -1000 HU background: a +1000 HU sphere, a -500 HU
cube, a 40 HU slab, and two +2000 HU markers exactly 30 mm apart on one slice.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.uid import (
    CTImageStorage,
    EnhancedCTImageStorage,
    ExplicitVRLittleEndian,
    MRImageStorage,
    generate_uid,
)

ROWS, COLUMNS, SLICES = 64, 64, 40
ROW_MM, COLUMN_MM, SLICE_MM = 0.7, 0.8, 2.5
TILT = math.radians(20)
ROW_DIRECTION = np.array([1.0, 0.0, 0.0])
COLUMN_DIRECTION = np.array([0.0, math.cos(TILT), math.sin(TILT)])
NORMAL = np.cross(ROW_DIRECTION, COLUMN_DIRECTION)
ORIGIN = np.array([-20.0, -15.0, 100.0])
SPHERE_CENTER_VOXEL = (20, 30, 25)  # slice, row, column
SPHERE_RADIUS_MM = 8.0
CUBE_VOXELS = ((8, 14), (8, 20), (40, 55))  # slices, rows, columns (half-open)
MARKER_SLICE = 30
MARKER_DISTANCE_MM = 30.0


@dataclass(frozen=True)
class Phantom:
    hu: np.ndarray
    """The HU volume the files encode, (slices, rows, columns)."""
    series_uid: str
    marker_pixels: tuple[tuple[float, float], tuple[float, float]]
    """(column, row) of the two markers on MARKER_SLICE."""


def position(k: float, j: float, i: float) -> np.ndarray:
    """Patient mm of voxel (slice k, row j, column i)."""
    return (
        ORIGIN
        + k * SLICE_MM * NORMAL
        + j * ROW_MM * COLUMN_DIRECTION
        + i * COLUMN_MM * ROW_DIRECTION
    )


def phantom_hu() -> tuple[np.ndarray, tuple[tuple[float, float], tuple[float, float]]]:
    hu = np.full((SLICES, ROWS, COLUMNS), -1000, dtype=np.int16)
    hu[:, 50:60, :] = 40
    k, j, i = np.indices(hu.shape)
    points = (
        ORIGIN[:, None, None, None]
        + (k * SLICE_MM)[None] * NORMAL[:, None, None, None]
        + (j * ROW_MM)[None] * COLUMN_DIRECTION[:, None, None, None]
        + (i * COLUMN_MM)[None] * ROW_DIRECTION[:, None, None, None]
    )
    center = position(*SPHERE_CENTER_VOXEL)
    inside = np.linalg.norm(points - center[:, None, None, None], axis=0) <= SPHERE_RADIUS_MM
    hu[inside] = 1000
    (k0, k1), (j0, j1), (i0, i1) = CUBE_VOXELS
    hu[k0:k1, j0:j1, i0:i1] = -500
    # Two markers 30 mm apart along the rows' direction: 37.5 columns of 0.8 mm; the
    # second one sits between two columns, so both columns carry it.
    first, second = (10.0, 5.0), (10.0 + MARKER_DISTANCE_MM / COLUMN_MM, 5.0)
    hu[MARKER_SLICE, 5, 10] = 2000
    hu[MARKER_SLICE, 5, 47:49] = 2000
    return hu, (first, second)


def make_phantom() -> Phantom:
    hu, markers = phantom_hu()
    return Phantom(hu, generate_uid(), markers)


def _base(series_uid: str, sop_class: str, modality: str = "CT") -> FileDataset:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset("phantom", Dataset(), file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = "1.2.826.0.1.3680043.8.498.1"
    ds.SeriesInstanceUID = series_uid
    ds.FrameOfReferenceUID = "1.2.826.0.1.3680043.8.498.2"
    ds.Modality = modality
    ds.PatientName = "Phantom^Test"
    ds.PatientID = "PHANTOM"
    ds.SeriesDescription = "phantom"
    ds.Rows, ds.Columns = ROWS, COLUMNS
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 16, 15
    ds.PixelRepresentation = 0
    ds.WindowCenter, ds.WindowWidth = [40, -600], [400, 1500]
    return ds


def rescale(k: int) -> tuple[int, int]:
    return (1, -1024) if k % 2 == 0 else (2, -2048)


def write_series(
    folder: Path,
    phantom: Phantom,
    *,
    shuffle: bool = True,
    reverse_instance_numbers: bool = True,
    skip: tuple[int, ...] = (),
    tilt_shift_mm: float = 0.0,
    modality: str = "CT",
) -> list[Path]:
    """One file per slice, in a shuffled order with misleading InstanceNumbers."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    order = [k for k in range(SLICES) if k not in skip]
    sop_class = CTImageStorage if modality == "CT" else MRImageStorage
    for k in order:
        slope, intercept = rescale(k)
        ds = _base(phantom.series_uid, sop_class, modality)
        ds.InstanceNumber = SLICES - k if reverse_instance_numbers else k + 1
        pos = position(k, 0, 0) + np.array([0.0, k * tilt_shift_mm, 0.0])
        ds.ImagePositionPatient = [round(float(v), 6) for v in pos]
        ds.ImageOrientationPatient = [float(v) for v in (*ROW_DIRECTION, *COLUMN_DIRECTION)]
        ds.PixelSpacing = [ROW_MM, COLUMN_MM]
        ds.SliceThickness = SLICE_MM
        ds.RescaleSlope, ds.RescaleIntercept = slope, intercept
        ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
        stored = ((phantom.hu[k].astype(np.int32) - intercept) // slope).astype(np.uint16)
        ds.PixelData = stored.tobytes()
        path = folder / f"slice-{random.random():.12f}.dcm" if shuffle else folder / f"{k:03d}.dcm"
        ds.save_as(path, enforce_file_format=True)
        paths.append(path)
    if shuffle:
        random.shuffle(paths)
    return paths


def write_localizer(folder: Path, phantom: Phantom) -> Path:
    ds = _base(phantom.series_uid, CTImageStorage)
    ds.ImageType = ["ORIGINAL", "PRIMARY", "LOCALIZER"]
    ds.ImagePositionPatient = [0.0, 0.0, 0.0]
    ds.ImageOrientationPatient = [1.0, 0.0, 0.0, 0.0, 0.0, -1.0]
    ds.PixelSpacing = [1.0, 1.0]
    ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
    ds.InstanceNumber = 999
    ds.PixelData = np.full((ROWS, COLUMNS), 1024, dtype=np.uint16).tobytes()
    path = folder / "scout.dcm"
    ds.save_as(path, enforce_file_format=True)
    return path


def write_enhanced(path: Path, phantom: Phantom, frames: int = 6) -> None:
    """One multi-frame Enhanced CT file, rescale per frame in the functional groups."""
    ds = _base(phantom.series_uid, EnhancedCTImageStorage)
    ds.NumberOfFrames = frames
    shared = Dataset()
    measures = Dataset()
    measures.PixelSpacing = [ROW_MM, COLUMN_MM]
    measures.SliceThickness = SLICE_MM
    shared.PixelMeasuresSequence = [measures]
    orientation = Dataset()
    orientation.ImageOrientationPatient = [float(v) for v in (*ROW_DIRECTION, *COLUMN_DIRECTION)]
    shared.PlaneOrientationSequence = [orientation]
    ds.SharedFunctionalGroupsSequence = [shared]
    per_frame, pixels = [], []
    for index, k in enumerate(reversed(range(frames))):  # frames stored top-down
        slope, intercept = (1, -1024) if index % 2 else (4, -4096)
        groups = Dataset()
        plane = Dataset()
        plane.ImagePositionPatient = [round(float(v), 6) for v in position(k, 0, 0)]
        groups.PlanePositionSequence = [plane]
        transformation = Dataset()
        transformation.RescaleSlope, transformation.RescaleIntercept = slope, intercept
        transformation.RescaleType = "HU"
        groups.PixelValueTransformationSequence = [transformation]
        per_frame.append(groups)
        hu = phantom.hu[k].astype(np.int32)
        hu = (hu // slope) * slope  # representable with this slope
        pixels.append(((hu - intercept) // slope).astype(np.uint16))
    ds.PerFrameFunctionalGroupsSequence = per_frame
    ds.PixelData = np.stack(pixels).tobytes()
    ds.save_as(path, enforce_file_format=True)


def reread(path: Path) -> pydicom.Dataset:
    return pydicom.dcmread(path)
