"""A synthetic CT phantom written with pydicom: known HU at known positions in mm.

The stack is oblique (rotated 20° about the patient's x axis) with anisotropic pixels:
0.7 mm between rows, 0.8 mm between columns, 2.5 mm between slices. Slices rotate
through three stored encodings: unsigned with slope 1 / intercept -1024, unsigned
with slope 2 / intercept -2048, and signed with slope 1 / intercept 0.

Contents: air (-1000 HU) around a body cylinder of water (0 HU) along the stack,
holding a +1000 HU sphere and a -500 HU cube; +2000 HU markers at known distances.
Every HU value is a multiple of 4, so every encoding here represents it exactly.
The integration and CLI tests use it too: the cube on slice 10 and the 30 mm pair of
markers on MARKER_SLICE stay where they are.
"""

from __future__ import annotations

import io
import math
import random
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import gdcm
import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.uid import (
    UID,
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
ORIGIN_MM = np.array([-20.0, -15.0, 100.0])

AIR_HU, WATER_HU, SPHERE_HU, CUBE_HU, MARKER_HU = -1000, 0, 1000, -500, 2000
BODY_RADIUS_MM = 20.0
BODY_AXIS_VOXEL = (32, 32)
"""(row, column) the body cylinder's axis passes through on every slice."""
SPHERE_CENTER_VOXEL = (20, 30, 25)
"""(slice, row, column)."""
SPHERE_RADIUS_MM = 8.0
CUBE_VOXELS = ((8, 14), (8, 20), (40, 55))
"""Half-open (slices, rows, columns) ranges."""
MARKER_SLICE = 30
AXIAL_MARKERS = ((MARKER_SLICE, 5, 10), (MARKER_SLICE, 5, 47), (MARKER_SLICE, 5, 48))
"""(slice, row, column): a marker, and 30 mm = 37.5 columns to its right one whose
centre falls between two columns, so both carry it."""
AXIAL_MARKER_DISTANCE_MM = 30.0
CORONAL_MARKERS = ((5, 54, 8), (17, 54, 58))
"""12 slices and 50 columns apart in row 54, hypot(30, 40) = 50 mm."""


@dataclass(frozen=True)
class Phantom:
    hu: np.ndarray
    """The HU volume the files encode, (slices, rows, columns), lowest slice first."""
    series_uid: str


def position_mm(k: float, j: float, i: float) -> np.ndarray:
    """Patient mm of voxel (slice k, row j, column i) in an ordinary phantom series."""
    return (
        ORIGIN_MM
        + k * SLICE_MM * NORMAL
        + j * ROW_MM * COLUMN_DIRECTION
        + i * COLUMN_MM * ROW_DIRECTION
    )


def make_phantom() -> Phantom:
    k, j, i = np.indices((SLICES, ROWS, COLUMNS))
    points = position_mm(k[..., None], j[..., None], i[..., None])
    axis_point = position_mm(0, *BODY_AXIS_VOXEL)
    offset = points - axis_point
    radial = offset - (offset @ NORMAL)[..., None] * NORMAL
    hu = np.full((SLICES, ROWS, COLUMNS), AIR_HU, dtype=np.int16)
    hu[np.linalg.norm(radial, axis=-1) <= BODY_RADIUS_MM] = WATER_HU
    sphere = np.linalg.norm(points - position_mm(*SPHERE_CENTER_VOXEL), axis=-1)
    hu[sphere <= SPHERE_RADIUS_MM] = SPHERE_HU
    (k0, k1), (j0, j1), (i0, i1) = CUBE_VOXELS
    hu[k0:k1, j0:j1, i0:i1] = CUBE_HU
    for marker in (*AXIAL_MARKERS, *CORONAL_MARKERS):
        hu[marker] = MARKER_HU
    return Phantom(hu, generate_uid())


def encoding(k: int) -> tuple[int, int, int]:
    """(RescaleSlope, RescaleIntercept, PixelRepresentation) of slice k."""
    return ((1, -1024, 0), (2, -2048, 0), (1, 0, 1))[k % 3]


def _dataset(series_uid: str, sop_class: UID, modality: str) -> FileDataset:
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
    return ds


def _stored(hu: np.ndarray, slope: int, intercept: int, signed: int) -> np.ndarray:
    return ((hu.astype(np.int32) - intercept) // slope).astype(np.int16 if signed else np.uint16)


def write_series(
    folder: Path,
    phantom: Phantom,
    *,
    shuffle: bool = True,
    skip: Sequence[int] = (),
    along_normal_mm: Sequence[float] | None = None,
    shift_per_slice_mm: float = 0.0,
    modality: str = "CT",
) -> list[Path]:
    """One file per slice, written and returned in shuffled order, InstanceNumber reversed.

    ``along_normal_mm`` moves slice k to that distance from the origin along the
    normal; ``shift_per_slice_mm`` moves slice k by k × that along its columns, as a
    tilted gantry does.
    """
    folder.mkdir(parents=True, exist_ok=True)
    sop_class = CTImageStorage if modality == "CT" else MRImageStorage
    order = [k for k in range(SLICES) if k not in skip]
    if shuffle:
        random.shuffle(order)
    paths = []
    for n, k in enumerate(order):
        slope, intercept, signed = encoding(k)
        ds = _dataset(phantom.series_uid, sop_class, modality)
        ds.InstanceNumber = SLICES - k  # backwards, so only positions order correctly
        ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
        place = position_mm(k, 0, 0) + k * shift_per_slice_mm * COLUMN_DIRECTION
        if along_normal_mm is not None:
            place += (along_normal_mm[k] - k * SLICE_MM) * NORMAL
        ds.ImagePositionPatient = [round(float(v), 6) for v in place]
        ds.ImageOrientationPatient = [float(v) for v in (*ROW_DIRECTION, *COLUMN_DIRECTION)]
        ds.PixelSpacing = [ROW_MM, COLUMN_MM]
        ds.SliceThickness = SLICE_MM
        ds.RescaleSlope, ds.RescaleIntercept, ds.PixelRepresentation = slope, intercept, signed
        ds.WindowCenter, ds.WindowWidth = [40, -600], [400, 1500]
        ds.PixelData = _stored(phantom.hu[k], slope, intercept, signed).tobytes()
        path = folder / f"IM{n:04d}-{phantom.series_uid[-8:]}.dcm"  # unique across series
        ds.save_as(path, enforce_file_format=True)
        paths.append(path)
    return paths


def write_localizer(folder: Path, series_uid: str) -> Path:
    """A coronal scout image with ImageType LOCALIZER."""
    folder.mkdir(parents=True, exist_ok=True)
    ds = _dataset(series_uid, CTImageStorage, "CT")
    ds.ImageType = ["ORIGINAL", "PRIMARY", "LOCALIZER"]
    ds.ImagePositionPatient = [-100.0, 0.0, 200.0]
    ds.ImageOrientationPatient = [1.0, 0.0, 0.0, 0.0, 0.0, -1.0]
    ds.PixelSpacing = [1.0, 1.0]
    ds.RescaleSlope, ds.RescaleIntercept, ds.PixelRepresentation = 1, -1024, 0
    ds.InstanceNumber = 1
    ds.PixelData = np.full((ROWS, COLUMNS), 1024, dtype=np.uint16).tobytes()
    path = folder / f"scout-{series_uid[-6:]}.dcm"
    ds.save_as(path, enforce_file_format=True)
    return path


def enhanced_rescale(frame: int) -> tuple[int, int]:
    """(RescaleSlope, RescaleIntercept) of stored frame ``frame`` of the Enhanced CT."""
    return (1, -1024) if frame % 2 else (4, -4096)


def write_enhanced(path: Path, phantom: Phantom) -> None:
    """One Enhanced CT file: frames stored top-down, rescale and position per frame,
    orientation, pixel measures and window shared."""
    ds = _dataset(phantom.series_uid, EnhancedCTImageStorage, "CT")
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.PixelRepresentation = 0
    ds.NumberOfFrames = SLICES
    measures = Dataset()
    measures.PixelSpacing = [ROW_MM, COLUMN_MM]
    measures.SliceThickness = SLICE_MM
    orientation = Dataset()
    orientation.ImageOrientationPatient = [float(v) for v in (*ROW_DIRECTION, *COLUMN_DIRECTION)]
    voi = Dataset()
    voi.WindowCenter, voi.WindowWidth = 40, 400
    shared = Dataset()
    shared.PixelMeasuresSequence = [measures]
    shared.PlaneOrientationSequence = [orientation]
    shared.FrameVOILUTSequence = [voi]
    ds.SharedFunctionalGroupsSequence = [shared]
    groups, pixels = [], []
    for frame, k in enumerate(reversed(range(SLICES))):
        slope, intercept = enhanced_rescale(frame)
        plane = Dataset()
        plane.ImagePositionPatient = [round(float(v), 6) for v in position_mm(k, 0, 0)]
        transformation = Dataset()
        transformation.RescaleSlope, transformation.RescaleIntercept = slope, intercept
        transformation.RescaleType = "HU"
        item = Dataset()
        item.PlanePositionSequence = [plane]
        item.PixelValueTransformationSequence = [transformation]
        groups.append(item)
        pixels.append(_stored(phantom.hu[k], slope, intercept, signed=0))
    ds.PerFrameFunctionalGroupsSequence = groups
    ds.PixelData = np.stack(pixels).tobytes()
    ds.save_as(path, enforce_file_format=True)


def recompress(path: Path, syntax: int) -> None:
    """Re-encode a file in place with GDCM, e.g. ``gdcm.TransferSyntax.JPEGLosslessProcess14_1``.

    pydicom cannot encode JPEG Lossless, the syntax PACS exports use most.
    """
    reader = gdcm.ImageReader()
    reader.SetFileName(str(path))
    assert reader.Read()
    change = gdcm.ImageChangeTransferSyntax()
    change.SetTransferSyntax(gdcm.TransferSyntax(syntax))
    change.SetInput(reader.GetImage())
    assert change.Change()
    writer = gdcm.ImageWriter()
    writer.SetFile(reader.GetFile())
    writer.SetImage(change.GetOutput())
    writer.SetFileName(str(path))
    assert writer.Write()


def resave(path: Path, target: Path, **changes: object) -> Path:
    """A copy of a phantom file with some attributes changed (a new SOPInstanceUID too)."""
    ds = pydicom.dcmread(path)
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    for keyword, value in changes.items():
        setattr(ds, keyword, value)
    ds.save_as(target, enforce_file_format=True)
    return target


def zipped(paths: Sequence[Path]) -> bytes:
    """The files as one zip, as a doctor uploads a series."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(path, path.name)
    return buffer.getvalue()


def zipped_phantom(folder: Path) -> tuple[Phantom, bytes]:
    """A phantom and its series zipped (the files are written to ``folder``)."""
    phantom = make_phantom()
    return phantom, zipped(write_series(folder, phantom))
