/**
 * Connection quality per participant, from `getStats()`: packet loss, jitter and
 * bitrate of their inbound audio and camera, and this client's own round-trip time
 * on the selected candidate pair, graded in three levels.
 */

/** Thresholds of "good" and "fair"; anything worse is "poor". */
export const LIMITS = {
  good: { lossPct: 2, jitterMs: 30, rttMs: 150 },
  fair: { lossPct: 8, jitterMs: 60, rttMs: 400 },
};

/** "good", "fair", "poor", or "unknown" when nothing was measured yet. */
export function grade({ lossPct = null, jitterMs = null, rttMs = null, stalled = false }) {
  if (stalled) return "poor";
  if (lossPct === null && jitterMs === null && rttMs === null) return "unknown";
  const within = (limits) =>
    (lossPct ?? 0) <= limits.lossPct && (jitterMs ?? 0) <= limits.jitterMs && (rttMs ?? 0) <= limits.rttMs;
  if (within(LIMITS.good)) return "good";
  if (within(LIMITS.fair)) return "fair";
  return "poor";
}

/** The current round-trip time (ms) of a connection's selected candidate pair, or null. */
export function selectedRttMs(report) {
  let pairId = null;
  report.forEach((stat) => {
    if (stat.type === "transport" && stat.selectedCandidatePairId) pairId = stat.selectedCandidatePairId;
  });
  let rtt = null;
  report.forEach((stat) => {
    if (stat.type !== "candidate-pair") return;
    const selected = pairId ? stat.id === pairId : stat.nominated && stat.state === "succeeded";
    if (selected && typeof stat.currentRoundTripTime === "number") rtt = stat.currentRoundTripTime * 1000;
  });
  return rtt;
}

/** The inbound-rtp stats of a report, by mid. */
export function inboundByMid(report) {
  const byMid = new Map();
  report.forEach((stat) => {
    if (stat.type === "inbound-rtp" && stat.mid !== undefined) byMid.set(String(stat.mid), stat);
  });
  return byMid;
}

/**
 * Loss, jitter and bitrate of one participant between two samples of their inbound
 * streams (`[{stat, previous}]`, previous may be undefined on the first sample).
 */
export function measure(streams, rttMs, seconds) {
  let received = 0;
  let lost = 0;
  let bytes = 0;
  let jitterMs = null;
  for (const { stat, previous } of streams) {
    if (!previous) continue;
    received += Math.max(0, (stat.packetsReceived ?? 0) - (previous.packetsReceived ?? 0));
    lost += Math.max(0, (stat.packetsLost ?? 0) - (previous.packetsLost ?? 0));
    bytes += Math.max(0, (stat.bytesReceived ?? 0) - (previous.bytesReceived ?? 0));
    if (typeof stat.jitter === "number") jitterMs = Math.max(jitterMs ?? 0, stat.jitter * 1000);
  }
  const compared = streams.some((s) => s.previous);
  if (!compared) return { level: "unknown", lossPct: null, jitterMs: null, bitrateKbps: null, rttMs };
  const lossPct = received + lost > 0 ? (100 * lost) / (received + lost) : 0;
  const bitrateKbps = seconds > 0 ? (bytes * 8) / 1000 / seconds : 0;
  const stalled = received === 0;
  return { level: grade({ lossPct, jitterMs, rttMs, stalled }), lossPct, jitterMs, bitrateKbps, rttMs };
}

/**
 * Samples every `intervalMs` and calls `onUpdate(Map participant_id → measurement)`;
 * this client's own entry grades its uplink (what the server reports back in RTCP).
 */
export class QualityMonitor {
  #timer = 0;
  #previous = new Map(); // stat id → stat
  #previousAt = 0;

  constructor({ getSubscriber, getPublisher, selfId, onUpdate, intervalMs = 2000 }) {
    this.getSubscriber = getSubscriber;
    this.getPublisher = getPublisher;
    this.selfId = selfId;
    this.onUpdate = onUpdate;
    this.intervalMs = intervalMs;
  }

  start() {
    this.stop();
    const tick = async () => {
      try {
        await this.sample();
      } catch (error) {
        console.warn("[QualityMonitor] sampling failed", error);
      }
      this.#timer = setTimeout(tick, this.intervalMs);
    };
    this.#timer = setTimeout(tick, this.intervalMs);
  }

  stop() {
    clearTimeout(this.#timer);
    this.#previous.clear();
  }

  async sample() {
    const subscriber = this.getSubscriber();
    const now = performance.now();
    const seconds = this.#previousAt ? (now - this.#previousAt) / 1000 : 0;
    const results = new Map();
    const seen = new Map();
    if (subscriber && subscriber.connectionState !== "closed") {
      const report = await subscriber.pc.getStats();
      const rttMs = selectedRttMs(report);
      const inbound = inboundByMid(report);
      const streamsByParticipant = new Map();
      for (const [mid, info] of subscriber.tracks) {
        if (info.source !== "camera" && info.source !== "microphone") continue;
        const stat = inbound.get(String(mid));
        if (!stat) continue;
        seen.set(stat.id, stat);
        const streams = streamsByParticipant.get(info.participant_id) ?? [];
        streams.push({ stat, previous: this.#previous.get(stat.id) });
        streamsByParticipant.set(info.participant_id, streams);
      }
      for (const [participantId, streams] of streamsByParticipant) {
        results.set(participantId, measure(streams, rttMs, seconds));
      }
    }
    const publisher = this.getPublisher();
    if (publisher && publisher.connectionState !== "closed") {
      results.set(this.selfId(), await uplink(publisher));
    }
    this.#previous = seen;
    this.#previousAt = now;
    this.onUpdate(results);
  }
}

/** This client's uplink: the server's receiver reports (remote-inbound-rtp) and RTT. */
async function uplink(publisher) {
  const report = await publisher.getStats();
  let lossPct = null;
  let jitterMs = null;
  let bitrateKbps = null;
  report.forEach((stat) => {
    if (stat.type !== "remote-inbound-rtp") return;
    if (typeof stat.fractionLost === "number") lossPct = Math.max(lossPct ?? 0, stat.fractionLost * 100);
    if (typeof stat.jitter === "number") jitterMs = Math.max(jitterMs ?? 0, stat.jitter * 1000);
  });
  report.forEach((stat) => {
    if (stat.type === "candidate-pair" && stat.nominated && typeof stat.availableOutgoingBitrate === "number") {
      bitrateKbps = stat.availableOutgoingBitrate / 1000;
    }
  });
  const rttMs = selectedRttMs(report);
  return { level: grade({ lossPct, jitterMs, rttMs }), lossPct, jitterMs, bitrateKbps, rttMs };
}
