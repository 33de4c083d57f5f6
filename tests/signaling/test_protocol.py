"""The protocol's payload validation and its published description."""

from __future__ import annotations

import pytest

from signaling.config import LimitsConfig
from signaling.errors import InvalidPayloadError, PayloadTooLargeError, UnknownEventError
from signaling.protocol import (
    REQUESTS,
    ChatRequest,
    ClientEvent,
    IceCandidateRequest,
    PublishRequest,
    describe,
    parse_event,
    parse_request,
)

LIMITS = LimitsConfig()


def test_good_payloads_become_typed_requests() -> None:
    publish = parse_request(
        ClientEvent.PUBLISH,
        ({"type": "offer", "sdp": "v=0", "sources": {"0": "camera", "2": "screen"}},),
        LIMITS,
    )
    assert publish == PublishRequest("offer", "v=0", {"0": "camera", "2": "screen"})
    candidate = parse_request(
        ClientEvent.ICE_CANDIDATE, ({"transport": "recv", "candidate": None},), LIMITS
    )
    assert candidate == IceCandidateRequest("recv", None)
    assert parse_request(ClientEvent.CHAT, ({"text": "你好"},), LIMITS) == ChatRequest("你好")


@pytest.mark.parametrize(
    ("event", "args", "message"),
    [
        (ClientEvent.JOIN, (), "exactly one JSON object"),
        (ClientEvent.JOIN, ({}, {}), "exactly one JSON object"),
        (ClientEvent.JOIN, ({"x": 1},), "has no field 'x'"),
        (ClientEvent.PUBLISH, ({"sdp": "v=0"},), "needs the field 'type'"),
        (ClientEvent.PUBLISH, ({"type": "offer", "sdp": None},), "sdp must be a string"),
        (ClientEvent.PUBLISH, ({"type": "offer", "sdp": "", "sources": {"0": "tv"}},), "sources"),
        (ClientEvent.CHAT, ({"text": True},), "text must be a string"),
        (ClientEvent.ICE_CANDIDATE, ({"transport": "send", "candidate": 1},), "candidate"),
    ],
)
def test_bad_payloads_are_named(event: ClientEvent, args: tuple, message: str) -> None:
    with pytest.raises(InvalidPayloadError, match=message):
        parse_request(event, args, LIMITS)


def test_limits_apply_to_their_fields() -> None:
    small = LimitsConfig(sdp_bytes=10, chat_text_chars=3)
    with pytest.raises(PayloadTooLargeError, match="limit of 10"):
        parse_request(ClientEvent.PUBLISH, ({"type": "offer", "sdp": "v" * 11},), small)
    parse_request(ClientEvent.CHAT, ({"text": "abc"},), small)
    with pytest.raises(PayloadTooLargeError):
        parse_request(ClientEvent.CHAT, ({"text": "abcd"},), small)


def test_unknown_events_are_named_and_the_known_ones_listed() -> None:
    with pytest.raises(UnknownEventError, match=r"'teleport'.*join, leave, publish"):
        parse_event("teleport")
    with pytest.raises(UnknownEventError):
        parse_event(None)
    assert parse_event("chat") is ClientEvent.CHAT


def test_the_description_covers_every_event_with_its_fields_and_limits() -> None:
    described = describe(LIMITS)
    assert (
        set(described["client_events"])
        == {e.value for e in ClientEvent}
        == {e.value for e in REQUESTS}
    )
    publish = described["client_events"]["publish"]
    assert publish["fields"]["sdp"] == "a string (at most 65536)"
    assert publish["fields"]["sources"].endswith("optional")
    assert "sdp" in publish["reply"]
    assert "participant-left" in described["server_events"]
    assert described["limits"]["chat_text_chars"] == LIMITS.chat_text_chars
