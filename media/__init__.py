"""The SFU: forwards RTP packets between participants, never decoding them.

Engine → Router (one per consultation) → Transport (one per peer connection) →
Producer (an incoming track) / Consumer (a track to one subscriber). Parents
create and own their children; ``close()`` is idempotent and cascades. See
``media/README.md``.
"""

from .audio_levels import AudioLevelObserver, AudioLevelOptions
from .consumer import Consumer
from .engine import Engine, EngineOptions, IceServer
from .errors import (
    InvalidSdpError,
    MediaClosedError,
    MediaError,
    MediaStateError,
    NoUsableCodecError,
)
from .negotiation import VideoCodec
from .producer import Producer
from .recorder import RecordedTrack, TrackRecorder, ntp_to_seconds
from .router import Router, RouterOptions
from .transport import Publication, SubscriptionOffer, Transport, TransportOptions

__all__ = [
    "AudioLevelObserver",
    "AudioLevelOptions",
    "Consumer",
    "Engine",
    "EngineOptions",
    "IceServer",
    "InvalidSdpError",
    "MediaClosedError",
    "MediaError",
    "MediaStateError",
    "NoUsableCodecError",
    "Producer",
    "Publication",
    "RecordedTrack",
    "Router",
    "RouterOptions",
    "SubscriptionOffer",
    "TrackRecorder",
    "Transport",
    "TransportOptions",
    "VideoCodec",
    "ntp_to_seconds",
]
