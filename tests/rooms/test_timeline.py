"""The hash-chained timeline: every kind of tampering breaks it at a named entry."""

from __future__ import annotations

import json
from pathlib import Path

from rooms import TimelineWriter, chain_breaks, read_timeline
from rooms.timeline import entry_hash


def written(path: Path, count: int = 4) -> list[str]:
    writer = TimelineWriter(path)
    for n in range(count):
        writer.append("chat", {"text": f"消息 {n}"}, 1_000 + n)
    writer.close()
    return path.read_text().splitlines()


def test_an_intact_timeline_chains_and_reopening_continues_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "timeline.jsonl"
    written(path, 3)
    writer = TimelineWriter(path)
    writer.append("participant-left", {"participant_id": "p1"}, 2_000)
    writer.close()
    entries = read_timeline(path)
    assert [e.seq for e in entries] == [0, 1, 2, 3]
    assert chain_breaks(entries) == []
    assert entries[0].data == {"text": "消息 0"}


def test_a_changed_entry_is_named(tmp_path: Path) -> None:
    path = tmp_path / "timeline.jsonl"
    lines = written(path)
    entry = json.loads(lines[2])
    entry["data"]["text"] = "改过的"
    lines[2] = json.dumps(entry, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n")
    assert chain_breaks(read_timeline(path)) == ["timeline entry 2 (chat) was changed"]


def test_a_removed_entry_breaks_the_chain_where_it_was(tmp_path: Path) -> None:
    path = tmp_path / "timeline.jsonl"
    lines = written(path)
    del lines[1]
    path.write_text("\n".join(lines) + "\n")
    problems = chain_breaks(read_timeline(path))
    assert problems[0].startswith("timeline entry 1 has sequence number 2")
    assert "timeline entry 2 does not follow the entry before it" in problems


def test_a_rehashed_forgery_still_fails_on_sequence_or_seal(tmp_path: Path) -> None:
    path = tmp_path / "timeline.jsonl"
    lines = written(path)
    forged = json.loads(lines[3])
    forged["data"] = {"text": "forged"}
    forged["hash"] = entry_hash(3, forged["at_ms"], "chat", forged["data"], forged["prev_hash"])
    lines[3] = json.dumps(forged, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n")
    # The chain alone cannot tell (the forger re-hashed the last entry): this is why the
    # manifest seals the final hash; tests/integration/test_recording.py checks that seal.
    assert chain_breaks(read_timeline(path)) == []
    assert read_timeline(path)[-1].hash != json.loads(lines[2])["hash"]


def test_a_torn_last_line_from_a_crash_is_skipped_and_cut_before_appending(
    tmp_path: Path,
) -> None:
    path = tmp_path / "timeline.jsonl"
    written(path, 2)
    with path.open("a") as handle:
        handle.write('{"seq": 2, "at_ms"')
    assert len(read_timeline(path)) == 2
    writer = TimelineWriter(path)
    writer.append("recording-interrupted", {}, 5_000)
    writer.close()
    entries = read_timeline(path)
    assert [e.kind for e in entries] == ["chat", "chat", "recording-interrupted"]
    assert chain_breaks(entries) == []
