"""Imaging speed: series ingest (slices/s) and coronal/sagittal reformats of a big volume.

Run:  .venv/bin/python benchmarks/imaging.py [--slices 200]

Writes a 512×512 CT series of ``--slices`` files with pydicom into a temporary
folder, times reading it into a HU volume (ingest), then times a coronal and a
sagittal reformat of a 512×512×300 volume, resampled to square pixels as the
server renders them (median of 10 runs).

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
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

from imaging import Orientation, Volume, extract, isotropic, read_ct_volume


def write_series(folder: Path, slices: int) -> None:
    series_uid = generate_uid()
    rng = np.random.default_rng(0)
    for k in range(slices):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = CTImageStorage
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset("bench", Dataset(), file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID, ds.SOPInstanceUID = CTImageStorage, meta.MediaStorageSOPInstanceUID
        ds.SeriesInstanceUID, ds.Modality = series_uid, "CT"
        ds.Rows = ds.Columns = 512
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
        ds.ImagePositionPatient = [-250.0, -250.0, k * 1.25]
        ds.ImageOrientationPatient = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
        ds.PixelSpacing = [0.977, 0.977]
        ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
        ds.PixelData = rng.integers(0, 4095, (512, 512), dtype=np.uint16).tobytes()
        ds.save_as(folder / f"{rng.random():.10f}.dcm", enforce_file_format=True)


def reformat_times(volume: Volume, runs: int = 10) -> dict[str, float]:
    times = {}
    for orientation in (Orientation.CORONAL, Orientation.SAGITTAL):
        samples = []
        for run in range(runs):
            started = time.perf_counter()
            isotropic(extract(volume, orientation, 200 + run))
            samples.append(time.perf_counter() - started)
        times[orientation.value] = 1000 * statistics.median(samples)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slices", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        write_series(Path(tmp), args.slices)
        started = time.perf_counter()
        volume = read_ct_volume([Path(tmp)])
        ingest_s = time.perf_counter() - started
    big = Volume(
        hu=np.random.default_rng(1).integers(-1024, 3000, (300, 512, 512), dtype=np.int16),
        spacing=(1.25, 0.977, 0.977),
        affine=np.eye(4),
        series_uid="bench",
        modality="CT",
        description="",
    )
    reformats = reformat_times(big)
    rate = volume.shape[0] / ingest_s
    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}"
    )
    print(f"ingest: {volume.shape[0]} slices of 512×512 in {ingest_s:.2f} s = {rate:.0f} slices/s")
    for name, ms in reformats.items():
        print(f"{name} reformat of 512×512×300 (to square pixels): {ms:.1f} ms (median of 10)")
    print(
        json.dumps(
            {
                "benchmark": "imaging",
                "ingest_slices_per_s": round(rate, 1),
                "coronal_ms": round(reformats["coronal"], 2),
                "sagittal_ms": round(reformats["sagittal"], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
