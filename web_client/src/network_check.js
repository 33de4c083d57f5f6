/**
 * The pre-call network check: a few round trips to the server's `/healthz`, graded
 * by their median. The thresholds follow conversational-delay budgets (ITU-T G.114:
 * up to about 150 ms one way feels natural); an HTTP round trip over an existing
 * connection is close to the media path's RTT.
 */

export const RTT_GOOD_MS = 150;
export const RTT_FAIR_MS = 400;

/** "good", "fair" or "poor" for a median round trip in milliseconds. */
export function gradeRtt(rttMs) {
  if (rttMs <= RTT_GOOD_MS) return "good";
  if (rttMs <= RTT_FAIR_MS) return "fair";
  return "poor";
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `{grade, rttMs}`; grade "offline" when the server cannot be reached. */
export async function checkNetwork(api, rounds = 5) {
  const samples = [];
  try {
    await api.pingMs(); // Opens the connection; not counted.
    for (let i = 0; i < rounds; i += 1) samples.push(await api.pingMs());
  } catch {
    return { grade: "offline", rttMs: null };
  }
  const rttMs = median(samples);
  return { grade: gradeRtt(rttMs), rttMs };
}
