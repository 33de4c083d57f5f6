/**
 * `window.mdt`: a small read-only view of the page for tests and benchmarks.
 * `state()` is what the page shows; `stats()` (a promise) is, per remote participant,
 * their camera video as received and decoded (getStats inbound-rtp + the video
 * element's size), with their shared screen under `screen` when there is one.
 * `ct()`, `ctPixel()` and `review()` read the CT pane and the review page.
 */

export function installDebugHook(target, { getCall, getGrid, getCt = () => null, getReview = () => null }) {
  const hook = Object.freeze({
    /** What the CT pane's canvas shows now (series, plane, slice, window, checksum) and
     * how this client takes part (presenting / following / browsing); null without a call. */
    ct() {
      return getCt()?.snapshot() ?? null;
    },
    /** The grey level (0–255) the CT canvas shows at plane pixel (column, row). */
    ctPixel(column, row) {
      return getCt()?.pixel(column, row) ?? null;
    },
    /** Where plane pixel (column, row) of the CT pane is on the page (client px). */
    ctScreenPoint(column, row) {
      return getCt()?.screenPoint(column, row) ?? null;
    },
    /** The review page's clock and what its CT shows at it; null elsewhere. */
    review() {
      return getReview()?.snapshot() ?? null;
    },
    state() {
      const call = getCall();
      if (!call) return { phase: "precall" };
      const roster = call.roster;
      return {
        phase: call.phase,
        participant_id: roster.selfId,
        participants: [...roster.participants.values()].map((p) => ({ ...p })),
        speaker: roster.speakerId,
        chat: roster.chat.length,
        rejoins: call.rejoins,
        audio_muted: call.media.audioMuted,
        video_muted: call.media.videoMuted,
        sharing: call.sharing,
        send_state: call.publisher?.connectionState ?? null,
        recv_state: call.subscriber?.connectionState ?? null,
      };
    },
    async stats() {
      const call = getCall();
      const grid = getGrid();
      if (!call) return {};
      const out = {};
      for (const stat of await call.remoteVideoStats()) {
        const video = grid?.videoOf(stat.participant_id, stat.source);
        const entry = {
          ...stat,
          display_name: call.roster.participants.get(stat.participant_id)?.display_name ?? null,
          videoWidth: video?.videoWidth ?? 0,
          videoHeight: video?.videoHeight ?? 0,
        };
        if (stat.source === "screen") {
          out[stat.participant_id] ??= { screen: null };
          out[stat.participant_id].screen = entry;
        } else if (stat.source === "camera") {
          out[stat.participant_id] = { ...entry, screen: out[stat.participant_id]?.screen ?? null };
        }
      }
      return out;
    },
  });
  Object.defineProperty(target, "mdt", { value: hook, writable: false, configurable: false, enumerable: false });
}
