"""Imaging speed: series ingest, coronal/sagittal reformats, and the browser payload.

Run:  .venv/bin/python benchmarks/imaging.py [--slices 200] [--runs 15]

1. Ingest: writes a 512×512 CT series of ``--slices`` files with pydicom into a
   temporary folder (uncompressed, as most uploads are), then times reading the folder
   into a HU volume (find, parse, decode, modality LUT, sort, checks); median of 3.
2. Reformats of a 512×512×300 volume: a coronal and a sagittal plane, as extracted
   (int16 HU with their mm spacing) and resampled to square pixels for display;
   median of ``--runs`` at different indices.
3. Payload: zlib of the whole 300-slice volume at levels 1 and 6 (time and ratio).

The synthetic slices are an ellipse of soft tissue (40 HU, noise SD 20 HU) with a
bone ring in air, so that compression sees CT-like data, not random bytes.
Prints a table and, as its last line, one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# Run as a script, this file's folder is on sys.path and the file, named like the
# package it measures, would shadow it: look in the repository first.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

from imaging import Orientation, Volume, encode_hu, extract, isotropic, read_ct_volume

SIZE = 512
PIXEL_MM, SLICE_MM = 0.7, 1.25


def synthetic_slices(count: int, seed: int = 0) -> np.ndarray:
    """HU slices (count, 512, 512): air, a body ellipse with noise, a bone ring."""
    rows, columns = np.ogrid[:SIZE, :SIZE]
    radius = ((rows - 256) / 180) ** 2 + ((columns - 256) / 230) ** 2
    anatomy = np.full((SIZE, SIZE), -1000, dtype=np.int16)
    anatomy[radius <= 1] = 40
    anatomy[(radius > 0.55) & (radius <= 0.62)] = 700
    rng = np.random.default_rng(seed)
    noise = rng.normal(0, 20, (count, SIZE, SIZE)).astype(np.int16)
    return np.where(anatomy == -1000, anatomy, anatomy + noise).astype(np.int16)


def write_series(folder: Path, hu: np.ndarray) -> None:
    series_uid = generate_uid()
    order = np.random.default_rng(1).permutation(len(hu))
    for n, k in enumerate(order):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = CTImageStorage
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset("bench", Dataset(), file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID, ds.SOPInstanceUID = CTImageStorage, meta.MediaStorageSOPInstanceUID
        ds.SeriesInstanceUID, ds.Modality = series_uid, "CT"
        ds.Rows = ds.Columns = SIZE
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
        ds.ImagePositionPatient = [-179.2, -179.2, float(k) * SLICE_MM]
        ds.ImageOrientationPatient = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
        ds.PixelSpacing = [PIXEL_MM, PIXEL_MM]
        ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
        ds.PixelData = (hu[k].astype(np.int32) + 1024).astype(np.uint16).tobytes()
        ds.save_as(folder / f"IM{n:05d}.dcm", enforce_file_format=True)


def median_ms(action: Callable[[int], object], runs: int) -> float:
    samples = []
    for run in range(runs):
        started = time.perf_counter()
        action(run)
        samples.append(time.perf_counter() - started)
    return 1000 * statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slices", type=int, default=200)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        write_series(Path(tmp), synthetic_slices(args.slices))
        ingest_ms = median_ms(lambda _: read_ct_volume([Path(tmp)]), 3)
    ingest_rate = args.slices / (ingest_ms / 1000)

    big = Volume(
        hu=synthetic_slices(300, seed=2),
        spacing_mm=(SLICE_MM, PIXEL_MM, PIXEL_MM),
        affine=np.diag([SLICE_MM, PIXEL_MM, PIXEL_MM, 1.0]),
        series_uid="bench",
        modality="CT",
        description="",
        frame_of_reference_uid="",
    )
    reformat_ms = {}
    for orientation in (Orientation.CORONAL, Orientation.SAGITTAL):
        name = orientation.value
        reformat_ms[name] = median_ms(
            lambda run, o=orientation: extract(big, o, 100 + 20 * run), args.runs
        )
        reformat_ms[f"{name}_square"] = median_ms(
            lambda run, o=orientation: isotropic(extract(big, o, 100 + 20 * run)), args.runs
        )

    raw_bytes = big.hu.nbytes
    payload = {}
    for level in (1, 6):
        started = time.perf_counter()
        size = len(encode_hu(big.hu, level=level))
        payload[level] = (1000 * (time.perf_counter() - started), raw_bytes / size)

    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
    )
    print(f"{'measure':<52} {'value':>12}")
    print(
        f"{f'ingest {args.slices} slices 512×512 (median of 3)':<52} "
        f"{ingest_rate:>8.0f} sl/s  ({ingest_ms / 1000:.2f} s)"
    )
    for name, ms in reformat_ms.items():
        label = f"{name.replace('_square', ' + square pixels')} of 512×512×300"
        print(f"{label + f' (median of {args.runs})':<52} {ms:>9.2f} ms")
    for level, (ms, ratio) in payload.items():
        label = f"zlib level {level} of 300 slices ({raw_bytes >> 20} MiB)"
        print(f"{label:<52} {ms:>9.0f} ms  ×{ratio:.2f}")
    print(
        json.dumps(
            {
                "benchmark": "imaging",
                "ingest_slices": args.slices,
                "ingest_slices_per_s": round(ingest_rate, 1),
                "coronal_ms": round(reformat_ms["coronal"], 3),
                "sagittal_ms": round(reformat_ms["sagittal"], 3),
                "coronal_square_ms": round(reformat_ms["coronal_square"], 3),
                "sagittal_square_ms": round(reformat_ms["sagittal_square"], 3),
                "zlib1_ms": round(payload[1][0], 1),
                "zlib1_ratio": round(payload[1][1], 2),
                "zlib6_ms": round(payload[6][0], 1),
                "zlib6_ratio": round(payload[6][1], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
