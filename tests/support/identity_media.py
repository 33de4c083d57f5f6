"""Media whose content says who sent it and which frame it is.

Video frames carry a 4-bit participant identity and a 16-bit frame counter as
black and white 40×40-pixel cells, big enough to survive VP8 at low bitrates;
audio is a sine tone whose pitch encodes the identity. A receiver decodes both
back from what it actually got, so a test checks *whose* media arrived.
"""

from __future__ import annotations

import asyncio
import fractions
import math
import time
from dataclasses import dataclass

import av
import numpy as np
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

WIDTH, HEIGHT = 320, 240
FPS = 30
CELL = 40
VIDEO_CLOCK = 90000
AUDIO_RATE = 48000
AUDIO_SAMPLES = 960  # 20 ms
_MARKER = (1, 0, 1, 0)  # cells 4..7 of row 0: tells a coded frame from garbage


def tone_hz(identity: int) -> float:
    return 400.0 + 150.0 * identity


def draw_identity_frame(identity: int, counter: int) -> np.ndarray:
    """A BGR image: identity bits and marker in row 0, counter bits in rows 1-2."""
    image = np.full((HEIGHT, WIDTH, 3), 128, dtype=np.uint8)
    image[3 * CELL :, :, 0] = (60 + 25 * identity) % 256  # a tint for people looking at it
    bits = [(identity >> i) & 1 for i in range(4)] + list(_MARKER)
    bits += [(counter >> i) & 1 for i in range(16)]
    for index, bit in enumerate(bits):
        row, col = divmod(index, 8)
        image[row * CELL : (row + 1) * CELL, col * CELL : (col + 1) * CELL] = 255 * bit
    return image


def read_identity_frame(gray: np.ndarray) -> tuple[int, int] | None:
    """(identity, counter) from a decoded luma plane, or None if it is not a coded frame."""
    if gray.shape[0] < 3 * CELL or gray.shape[1] < 8 * CELL:
        return None
    bits = []
    for index in range(24):
        row, col = divmod(index, 8)
        cell = gray[
            row * CELL + 10 : (row + 1) * CELL - 10, col * CELL + 10 : (col + 1) * CELL - 10
        ]
        bits.append(1 if float(cell.mean()) > 128 else 0)
    if tuple(bits[4:8]) != _MARKER:
        return None
    identity = sum(bit << i for i, bit in enumerate(bits[:4]))
    counter = sum(bit << i for i, bit in enumerate(bits[8:24]))
    return identity, counter


def dominant_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum)) * AUDIO_RATE / len(samples)


def identity_from_tone(hz: float) -> int | None:
    identity = round((hz - 400.0) / 150.0)
    return identity if 0 <= identity < 16 and abs(tone_hz(identity) - hz) < 40 else None


class IdentityVideoTrack(MediaStreamTrack):
    """30 fps video drawing its identity and a frame counter."""

    kind = "video"

    def __init__(self, identity: int) -> None:
        super().__init__()
        self.identity = identity
        self.counter = 0
        self._start: float | None = None

    async def recv(self) -> av.VideoFrame:
        if self._start is None:
            self._start = time.monotonic()
        due = self._start + self.counter / FPS
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        frame = av.VideoFrame.from_ndarray(
            draw_identity_frame(self.identity, self.counter & 0xFFFF), format="bgr24"
        )
        frame.pts = self.counter * VIDEO_CLOCK // FPS
        frame.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        self.counter += 1
        return frame


class IdentityAudioTrack(MediaStreamTrack):
    """A continuous sine tone at :func:`tone_hz` of the identity, in 20 ms frames."""

    kind = "audio"

    def __init__(self, identity: int) -> None:
        super().__init__()
        self.identity = identity
        self.muted = False
        """Send silence instead (what a browser sends for a disabled track)."""
        self._sent = 0
        self._start: float | None = None

    async def recv(self) -> av.AudioFrame:
        if self._start is None:
            self._start = time.monotonic()
        due = self._start + self._sent / AUDIO_RATE
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        t = (np.arange(AUDIO_SAMPLES) + self._sent) / AUDIO_RATE
        amplitude = 0.0 if self.muted else 0.4 * 32767
        wave = (amplitude * np.sin(2 * math.pi * tone_hz(self.identity) * t)).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(wave.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = AUDIO_RATE
        frame.pts = self._sent
        frame.time_base = fractions.Fraction(1, AUDIO_RATE)
        self._sent += AUDIO_SAMPLES
        return frame


@dataclass
class VideoObservation:
    """One decoded frame, as a receiver saw it."""

    at: float
    identity: int
    counter: int
    width: int


class TrackReader:
    """Decodes a received track and records what it shows."""

    def __init__(self, track: MediaStreamTrack) -> None:
        self.track = track
        self.kind = track.kind
        self.frames: list[VideoObservation] = []
        self.garbled_frames = 0
        self.tones: list[int | None] = []
        self._audio: list[np.ndarray] = []
        self.task = asyncio.ensure_future(self._run())

    @property
    def identities(self) -> set[int]:
        if self.kind == "video":
            return {f.identity for f in self.frames}
        return {t for t in self.tones if t is not None}

    async def _run(self) -> None:
        try:
            while True:
                frame = await self.track.recv()
                if self.kind == "video":
                    gray = frame.to_ndarray(format="gray")
                    decoded = read_identity_frame(gray)
                    if decoded is None:
                        self.garbled_frames += 1
                    else:
                        self.frames.append(
                            VideoObservation(time.monotonic(), decoded[0], decoded[1], frame.width)
                        )
                else:
                    samples = frame.to_ndarray().astype(np.float64).reshape(-1)
                    if frame.layout.nb_channels == 2:
                        samples = samples[0::2]
                    self._audio.append(samples)
                    if sum(len(a) for a in self._audio) >= AUDIO_RATE // 5:
                        chunk = np.concatenate(self._audio)
                        self._audio = []
                        self.tones.append(identity_from_tone(dominant_hz(chunk)))
        except MediaStreamError:  # the track ended
            return

    async def stop(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
