"""Counts every decoder and encoder aiortc creates in this process.

Test peers and the SFU share the process, so the census is exact bookkeeping:
clients create one encoder per published track and one decoder per received
track; anything above that would be the server decoding or re-encoding.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import aiortc.rtcrtpreceiver
import aiortc.rtcrtpsender
import pytest


class CodecCensus:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.decoders: Counter[str] = Counter()
        self.encoders: Counter[str] = Counter()
        get_decoder = aiortc.rtcrtpreceiver.get_decoder
        get_encoder = aiortc.rtcrtpsender.get_encoder

        def counting_decoder(codec: Any) -> Any:
            self.decoders[codec.mimeType.lower()] += 1
            return get_decoder(codec)

        def counting_encoder(codec: Any) -> Any:
            self.encoders[codec.mimeType.lower()] += 1
            return get_encoder(codec)

        monkeypatch.setattr(aiortc.rtcrtpreceiver, "get_decoder", counting_decoder)
        monkeypatch.setattr(aiortc.rtcrtpsender, "get_encoder", counting_encoder)
