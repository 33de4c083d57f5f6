/**
 * A sealed recording read for replay: where each media file lies on the common clock,
 * what the shared CT showed at any moment, the chat, and the markers of the seek bar.
 * Pure functions over the manifest and the timeline entries, no DOM.
 *
 * The common clock is the server's (ms since the epoch); the review shows it as ms
 * since the recording started (`manifest.started_at_ms`, the first timeline entry).
 * A file's first frame is at its `start_ms`. One participant's microphone is placed by
 * its camera: both carry `sync_ms`, the first frame's time on that participant's
 * capture clock (RTCP sender reports), so audio = camera start + (audio − camera)
 * sync_ms, which keeps lips and voice together even if the packets arrived unevenly.
 */

/** CT changes closer than this share one seek-bar marker (a scroll is one change). */
export const CT_MARKER_MERGE_MS = 1500;

/** The ViewerInfo fields that make a visible difference on the CT. */
const VISIBLE_VIEW_FIELDS = ["series_uid", "plane", "index", "window_center", "window_width"];

/**
 * @param manifest the recording's manifest (GET …/recordings)
 * @param entries the timeline entries (GET …/recordings/{id}/timeline), in order
 */
export function readRecording(manifest, entries) {
  const startMs = manifest.started_at_ms || entries[0]?.at_ms || 0;
  const lastEntryMs = entries.length ? entries[entries.length - 1].at_ms : startMs;
  const endMs = Math.max(manifest.ended_at_ms || 0, lastEntryMs, startMs);
  const people = new Map();
  const views = [];
  const chat = [];
  const markers = [];
  let lastCtMarkerMs = -Infinity;
  let previousView = null;
  const addCtMarker = (atMs, view) => {
    if (atMs - lastCtMarkerMs < CT_MARKER_MERGE_MS) return;
    lastCtMarkerMs = atMs;
    markers.push({ atMs, kind: "ct", index: view?.index ?? null, plane: view?.plane ?? null });
  };
  for (const entry of entries) {
    const atMs = entry.at_ms - startMs;
    const data = entry.data ?? {};
    switch (entry.kind) {
      case "recording-started":
        for (const p of data.participants ?? []) people.set(p.participant_id, { ...p });
        if (data.viewer) {
          views.push({ atMs, view: data.viewer });
          previousView = data.viewer;
        }
        break;
      case "participant-joined":
        people.set(data.participant_id, { ...data });
        markers.push({ atMs, kind: "join", participant_id: data.participant_id });
        break;
      case "participant-updated":
        if (!people.has(data.participant_id)) people.set(data.participant_id, { ...data });
        break;
      case "participant-left":
        markers.push({ atMs, kind: "leave", participant_id: data.participant_id });
        break;
      case "chat":
        chat.push({ atMs, message: data });
        markers.push({ atMs, kind: "chat", participant_id: data.participant_id });
        break;
      case "viewer-state":
        if (!previousView || VISIBLE_VIEW_FIELDS.some((f) => previousView[f] !== data[f])) {
          if (data.series_uid) addCtMarker(atMs, data);
        }
        views.push({ atMs, view: data });
        previousView = data;
        break;
      case "viewer-pointer":
        // Only the pointer moved: the view before it, pointing elsewhere.
        if (previousView) {
          previousView = { ...previousView, version: data.version, pointer: data.pointer };
          views.push({ atMs, view: previousView });
        }
        break;
      default:
        break;
    }
  }
  return {
    startMs,
    endMs,
    durationMs: endMs - startMs,
    people,
    views,
    chat,
    markers,
    tracks: placeFiles(manifest.files ?? [], startMs),
  };
}

/**
 * Where each file starts on the recording's clock (ms since its start), the audio of a
 * participant aligned to their camera by `sync_ms`.
 */
export function placeFiles(files, startMs) {
  const cameraOf = new Map();
  for (const file of files) {
    if (file.kind === "video" && file.source === "camera" && file.start_ms != null) cameraOf.set(file.participant_id, file);
  }
  return files
    .filter((file) => file.start_ms != null)
    .map((file) => {
      let firstFrameMs = file.start_ms;
      const camera = cameraOf.get(file.participant_id);
      if (file.kind === "audio" && camera && camera.sync_ms != null && file.sync_ms != null) {
        firstFrameMs = camera.start_ms + (file.sync_ms - camera.sync_ms);
      }
      return {
        name: file.name,
        participant_id: file.participant_id,
        kind: file.kind,
        source: file.source,
        offsetMs: firstFrameMs - startMs,
        durationMs: file.end_ms != null ? file.end_ms - file.start_ms : null,
      };
    });
}

/** The last of `items` (sorted by `atMs`) at or before `ms`, or null. */
export function lastAt(items, ms) {
  let low = 0;
  let high = items.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (items[mid].atMs <= ms) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found >= 0 ? items[found] : null;
}

/** The CT view on screen at `ms` (ms since the recording started), or null. */
export function viewAt(recording, ms) {
  return lastAt(recording.views, ms)?.view ?? null;
}
