"""Composes a sealed recording into one video: the participants' grid beside the CT pane.

Runs off the live path, in a process of its own (``python -m signaling.composer
FOLDER OUTPUT``), and prints ``progress <0..1>`` lines that the exporter relays.
Transcoding is fine here: decode every track, lay the frames out at ``FPS``, mix the
audio, encode VP8 and Opus into WebM.

Timing: each file's first frame sits at its manifest ``start_ms`` (server clock);
a publisher's audio is placed against their video by ``sync_ms`` (their capture
clock, from RTCP sender reports), so lips and voices stay together.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from imaging import ImagingError, Orientation, Volume, extract, plane_count, read_ct_volume, render
from rooms import Manifest, RecordedFile, read_manifest, read_timeline
from rooms.recording import TIMELINE

WIDTH, HEIGHT, FPS = 1280, 720, 10
GRID_WIDTH = 848
AUDIO_RATE = 48000
FONT_PATH = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
BACKGROUND = (24, 32, 40)
TEXT = (220, 228, 236)
TILE_BACKGROUND = (40, 52, 64)

#: Renders the CT pane for a viewer state (a dict from the timeline) at a size.
PaneRenderer = Callable[[dict[str, Any] | None, tuple[int, int]], np.ndarray]


@dataclass
class _VideoSource:
    file: RecordedFile
    frames: Iterator[tuple[float, np.ndarray]]
    next_frame: tuple[float, np.ndarray] | None
    current: np.ndarray | None = None

    def at(self, ms: float) -> np.ndarray | None:
        """The last frame shown at or before ``ms`` (server clock)."""
        while self.next_frame is not None and self.next_frame[0] <= ms:
            self.current = self.next_frame[1]
            self.next_frame = next(self.frames, None)
        return self.current


def _decode_video(path: Path, start_ms: int) -> Iterator[tuple[float, np.ndarray]]:
    with av.open(str(path)) as container:
        first: float | None = None
        try:
            for frame in container.decode(video=0):
                seconds = float(frame.time or 0.0)
                first = seconds if first is None else first
                yield start_ms + 1000 * (seconds - first), frame.to_ndarray(format="rgb24")
        except av.FFmpegError:
            return  # a file cut by a crash ends where its data ends


def _decode_audio(path: Path) -> np.ndarray:
    chunks = []
    resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)
    with av.open(str(path)) as container:
        try:
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
        except av.FFmpegError:
            pass
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)


def _names(folder: Path) -> dict[str, str]:
    names: dict[str, str] = {}
    for entry in read_timeline(folder / TIMELINE):
        people = entry.data.get("participants", []) if entry.kind == "recording-started" else []
        if entry.kind == "participant-joined":
            people = [entry.data]
        for person in people:
            names[person["participant_id"]] = person["display_name"]
    return names


def _viewer_states(folder: Path) -> list[tuple[int, dict[str, Any]]]:
    states = []
    for entry in read_timeline(folder / TIMELINE):
        if entry.kind == "viewer-state":
            states.append((entry.at_ms, entry.data))
        elif entry.kind == "recording-started" and "viewer" in entry.data:
            states.append((entry.at_ms, entry.data["viewer"]))
    return states


class CtPane:
    """Renders the CT pane as the shared viewer showed it: the same series, plane, slice,
    window and zoom, with the measurements; the study is read from the data folder."""

    def __init__(self, studies: Path) -> None:
        self._studies = studies
        self._volumes: dict[str, Volume | None] = {}
        self._font = ImageFont.truetype(str(FONT_PATH), 18)

    def _volume(self, series_uid: str) -> Volume | None:
        if series_uid not in self._volumes:
            upload = self._studies / series_uid / "upload"
            try:
                self._volumes[series_uid] = read_ct_volume([upload]) if upload.is_file() else None
            except ImagingError:
                self._volumes[series_uid] = None
        return self._volumes[series_uid]

    def __call__(self, state: dict[str, Any] | None, size: tuple[int, int]) -> np.ndarray:
        width, height = size
        image = Image.new("RGB", size, BACKGROUND)
        draw = ImageDraw.Draw(image)
        volume = self._volume(state["series_uid"]) if state and state.get("series_uid") else None
        if state is None or volume is None:
            draw.text((16, 16), "CT: 未打开影像 / no series shown", font=self._font, fill=TEXT)
            return np.asarray(image)
        plane = extract(volume, Orientation(state["plane"]), state["index"])
        grey = render(plane, state["window_center"], state["window_width"])
        scale = min(width / grey.shape[1], (height - 120) / grey.shape[0]) * state["zoom"]
        picture = Image.fromarray(grey).resize(
            (max(1, int(grey.shape[1] * scale)), max(1, int(grey.shape[0] * scale)))
        )
        image.paste(picture.convert("RGB"), ((width - picture.width) // 2, 60))
        lines = [
            f"CT {state['plane']} {state['index'] + 1}/{plane_count(volume, plane.orientation)}",
            f"W {state['window_width']:.0f} / L {state['window_center']:.0f}",
        ]
        lines += [
            _measurement_text(m)
            for m in state.get("measurements", [])
            if m["plane"] == state["plane"] and m["index"] == state["index"]
        ]
        for n, line in enumerate(lines):
            draw.text(
                (16, height - 56 + 24 * n - 24 * max(0, len(lines) - 2)),
                line,
                font=self._font,
                fill=TEXT,
            )
        return np.asarray(image)


def _measurement_text(measurement: dict[str, Any]) -> str:
    result = measurement["result"]
    if "length_mm" in result:
        return f"{result['length_mm']:.1f} mm"
    return f"ROI {result.get('mean_hu', 0):.0f} ± {result.get('sd_hu', 0):.0f} HU"


def compose(
    folder: Path,
    output: Path,
    render_pane: PaneRenderer,
    progress: Callable[[float], None] = lambda _: None,
) -> Path:
    """Write ``output`` (WebM, VP8 + Opus) for the sealed recording in ``folder``."""
    manifest = read_manifest(folder)
    names = _names(folder)
    cameras = [f for f in manifest.files if f.kind == "video" and f.start_ms is not None]
    t0 = min((f.start_ms for f in manifest.files if f.start_ms is not None), default=0)
    t1 = max((f.end_ms for f in manifest.files if f.end_ms is not None), default=t0)
    sources = []
    for file in cameras:
        frames = _decode_video(folder / file.name, file.start_ms or t0)
        sources.append(_VideoSource(file, frames, next(frames, None)))
    states = _viewer_states(folder)
    font = ImageFont.truetype(str(FONT_PATH), 20)
    frame_count = max(1, int((t1 - t0) * FPS / 1000))
    with av.open(str(output), "w", format="webm") as container:
        video = container.add_stream("libvpx", rate=FPS)
        video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        video.bit_rate = 1_500_000
        video.options = {"deadline": "realtime", "cpu-used": "8"}
        audio = container.add_stream("libopus", rate=AUDIO_RATE)
        audio.layout = "mono"
        for index in range(frame_count):
            at_ms = t0 + index * 1000 / FPS
            canvas = _grid(sources, at_ms, names, font)
            state = next((s for t, s in reversed(states) if t <= at_ms), None)
            canvas[:, GRID_WIDTH:] = render_pane(state, (WIDTH - GRID_WIDTH, HEIGHT))
            frame = av.VideoFrame.from_ndarray(canvas, format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, FPS)
            for packet in video.encode(frame):
                container.mux(packet)
            if index % FPS == 0:
                progress(0.9 * index / frame_count)
        for packet in video.encode(None):
            container.mux(packet)
        mixed = _mix(folder, manifest, t0, frame_count * AUDIO_RATE // FPS)
        _encode_audio(container, audio, mixed)
    progress(1.0)
    return output


def _grid(
    sources: list[_VideoSource], at_ms: float, names: dict[str, str], font: Any
) -> np.ndarray:
    canvas = np.zeros((HEIGHT, WIDTH, 3), dtype=np.uint8)
    canvas[:] = BACKGROUND
    count = max(1, len(sources))
    columns = 1 if count == 1 else 2 if count <= 4 else 3
    rows = -(-count // columns)
    tile_w, tile_h = GRID_WIDTH // columns, HEIGHT // rows
    image = Image.fromarray(canvas)
    draw = ImageDraw.Draw(image)
    for n, source in enumerate(sources):
        x, y = (n % columns) * tile_w, (n // columns) * tile_h
        draw.rectangle((x + 4, y + 4, x + tile_w - 4, y + tile_h - 4), fill=TILE_BACKGROUND)
        picture = source.at(at_ms)
        if picture is not None:
            tile = Image.fromarray(picture)
            scale = min((tile_w - 8) / tile.width, (tile_h - 8) / tile.height)
            tile = tile.resize((int(tile.width * scale), int(tile.height * scale)))
            image.paste(tile, (x + (tile_w - tile.width) // 2, y + (tile_h - tile.height) // 2))
        label = names.get(source.file.participant_id, source.file.participant_id)
        if source.file.source == "screen":
            label += " · 屏幕共享"
        draw.text((x + 12, y + tile_h - 36), label, font=font, fill=(255, 255, 255))
    return np.asarray(image).copy()


def _mix(folder: Path, manifest: Manifest, t0: int, length: int) -> np.ndarray:
    mixed = np.zeros(length, dtype=np.float32)
    cameras = {f.participant_id: f for f in manifest.files if f.source == "camera"}
    for file in manifest.files:
        if file.kind != "audio" or file.start_ms is None:
            continue
        start_ms = file.start_ms
        camera = cameras.get(file.participant_id)
        if camera is not None and None not in (camera.sync_ms, file.sync_ms, camera.start_ms):
            # Against the camera on the capture clock: lip sync survives network jitter.
            start_ms = camera.start_ms + (file.sync_ms - camera.sync_ms)  # type: ignore[operator]
        samples = _decode_audio(folder / file.name)
        offset = max(0, (start_ms - t0) * AUDIO_RATE // 1000)
        end = min(length, offset + len(samples))
        if end > offset:
            mixed[offset:end] += samples[: end - offset]
    return np.clip(mixed, -1.0, 1.0)


def _encode_audio(container: Any, stream: Any, samples: np.ndarray) -> None:
    step = 960
    for start in range(0, len(samples) - step + 1, step):
        frame = av.AudioFrame.from_ndarray(
            samples[start : start + step].reshape(1, -1), format="flt", layout="mono"
        )
        frame.sample_rate = AUDIO_RATE
        frame.pts, frame.time_base = start, Fraction(1, AUDIO_RATE)
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode(None):
        container.mux(packet)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="the sealed recording's folder")
    parser.add_argument("output", type=Path)
    parser.add_argument("--studies", type=Path, required=True, help="the consultation's studies")
    args = parser.parse_args()
    compose(
        args.folder,
        args.output,
        CtPane(args.studies),
        progress=lambda fraction: print(json.dumps({"progress": round(fraction, 3)}), flush=True),
    )


if __name__ == "__main__":
    sys.exit(main())
