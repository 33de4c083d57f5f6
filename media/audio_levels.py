"""Who is speaking, from the audio-level header extension (RFC 6464), without decoding.

Like mediasoup's AudioLevelObserver: every interval, the mean level of each audio
producer is read; the loudest one above a threshold is the speaker. A change is
reported only when another producer has been the loudest for ``hold`` intervals in
a row, so the highlight does not flicker between two people talking over each other.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .producer import Producer

if TYPE_CHECKING:
    from .router import Router

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AudioLevelOptions:
    """How speech is told from silence."""

    interval_s: float = 0.3
    """How often levels are read."""
    threshold_dbov: float = -50.0
    """Quieter than this (mean over an interval) is silence."""
    hold: int = 2
    """Intervals a new loudest producer must lead before it is reported."""
    silence_intervals: int = 4
    """Intervals of silence after which nobody is reported as speaking."""


class AudioLevelObserver:
    """Reports the dominant speaker among a router's audio producers.

    Created by :meth:`Router.create_audio_level_observer`; closes with it.
    """

    def __init__(
        self,
        router: Router,
        options: AudioLevelOptions,
        on_change: Callable[[Producer | None], Awaitable[None]],
    ) -> None:
        self.router = router
        self.options = options
        self.speaker: Producer | None = None
        self.closed = False
        self._on_change = on_change
        self._candidate: Producer | None = None
        self._lead = 0
        self._silent = 0
        self._task = asyncio.ensure_future(self._run())

    def sample(self) -> bool:
        """Read one interval's levels; True if the speaker changed."""
        levels = {}
        for producer in list(self.router.producers.values()):
            if producer.kind == "audio":
                level = producer.take_audio_level()
                if level is not None and level > self.options.threshold_dbov:
                    levels[producer] = level
        if self.speaker is not None and self.speaker.closed:
            self.speaker = None
            return True
        if not levels:
            self._silent += 1
            self._candidate, self._lead = None, 0
            if self.speaker is not None and self._silent >= self.options.silence_intervals:
                self.speaker = None
                return True
            return False
        self._silent = 0
        loudest = max(levels, key=levels.__getitem__)
        if loudest is self.speaker:
            self._candidate, self._lead = None, 0
            return False
        if self.speaker is not None and self.speaker not in levels:
            # The speaker stopped and someone else talks: no need to wait for a lead.
            self._lead = self.options.hold
        elif loudest is self._candidate:
            self._lead += 1
        else:
            self._candidate, self._lead = loudest, 1
        if self._lead >= self.options.hold or self.speaker is None:
            self.speaker, self._candidate, self._lead = loudest, None, 0
            return True
        return False

    async def _run(self) -> None:
        while not self.closed:
            await asyncio.sleep(self.options.interval_s)
            if self.sample():
                try:
                    await self._on_change(self.speaker)
                except Exception:
                    logger.exception("%r: reporting the speaker failed", self.router)

    async def close(self) -> None:
        """Stop observing. Idempotent."""
        if self.closed:
            return
        self.closed = True
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        self.router._remove_observer(self)
