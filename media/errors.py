"""Named errors of the media layer; the signaling edge turns them into replies."""


class MediaError(Exception):
    """Base class of every error the SFU raises on purpose."""

    code = "media-error"


class InvalidSdpError(MediaError):
    """An SDP that cannot be parsed or is not the kind of description expected."""

    code = "invalid-sdp"


class NoUsableCodecError(MediaError):
    """An SDP whose media sections offer none of the consultation's codecs."""

    code = "no-usable-codec"


class MediaStateError(MediaError):
    """An operation that does not fit the object's direction or negotiation state."""

    code = "invalid-media-state"


class MediaClosedError(MediaError):
    """An operation on an engine, router or transport that has been closed."""

    code = "media-closed"
