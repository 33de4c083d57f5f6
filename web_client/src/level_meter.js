/**
 * A microphone level meter for the pre-call check: WebAudio's AnalyserNode, read
 * once per animation frame, as a 0–1 value on a -60…0 dBFS scale.
 */

const FLOOR_DB = -60;

/** 0–1 for a block of samples in -1…1: their RMS level on a -60…0 dBFS scale. */
export function levelOf(samples) {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  const db = rms > 0 ? 20 * Math.log10(rms) : FLOOR_DB;
  return Math.min(1, Math.max(0, (db - FLOOR_DB) / -FLOOR_DB));
}

export class LevelMeter {
  #context = null;
  #source = null;
  #frame = 0;
  #onLevel;
  #resume = () => this.#context?.resume();

  constructor(onLevel) {
    this.#onLevel = onLevel;
  }

  /** Measures `track` (stops measuring the previous one); null measures nothing. */
  attach(track) {
    this.#detach();
    if (!track) {
      this.#onLevel(0);
      return;
    }
    this.#context ??= new AudioContext();
    // An AudioContext made before any user gesture starts suspended (autoplay policy).
    if (this.#context.state === "suspended") {
      window.addEventListener("pointerdown", this.#resume, { once: true });
      window.addEventListener("keydown", this.#resume, { once: true });
      this.#context.resume().catch(() => {});
    }
    const analyser = this.#context.createAnalyser();
    analyser.fftSize = 1024;
    this.#source = this.#context.createMediaStreamSource(new MediaStream([track]));
    this.#source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let smoothed = 0;
    const tick = () => {
      analyser.getFloatTimeDomainData(samples);
      const level = levelOf(samples);
      // Fast attack, slow release: easy to read.
      smoothed = level > smoothed ? level : smoothed * 0.85 + level * 0.15;
      this.#onLevel(smoothed);
      this.#frame = requestAnimationFrame(tick);
    };
    tick();
  }

  close() {
    this.#detach();
    window.removeEventListener("pointerdown", this.#resume);
    window.removeEventListener("keydown", this.#resume);
    this.#context?.close().catch(() => {});
    this.#context = null;
  }

  #detach() {
    cancelAnimationFrame(this.#frame);
    this.#source?.disconnect();
    this.#source = null;
  }
}
