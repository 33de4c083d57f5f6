/**
 * One person's presence in a consultation: the signaling connection, the join, the
 * send and receive connections, and getting back in after a network outage.
 *
 * Phases: `connecting` → `joined` ⇄ `reconnecting`, and the ends `left`, `replaced`
 * (the same person joined from another window) and `failed` (a refused reconnect,
 * e.g. an expired link), or `closed` (dropped after a failed start). Events: `phase`
 * (phase, detail), `tracks` (the receive connection's tracks by mid), `media` (own
 * mute or share state changed).
 *
 * A rejoin closes both peer connections, joins again (over a new socket the server
 * replaces the old session; over the same socket it leaves first) and publishes the
 * same local tracks again. There is one path for it, whatever the trigger: the socket
 * reconnected, the server closed it, or a media connection failed.
 */

import { Emitter } from "./emitter.js";
import { Publisher } from "./publisher.js";
import { Roster } from "./roster.js";
import { ClientEvent, ServerEvent, Signaling, SignalingError } from "./signaling.js";
import { Subscriber } from "./subscriber.js";

/**
 * Failures worth trying again after a pause: no answer in time, no connection, a
 * server error, a session the server dropped meanwhile. Anything else (an expired
 * link, a full or ended consultation) ends the call on a page that says why.
 */
const TRANSIENT_CODES = new Set(["timeout", "not-connected", "internal-error", "not-joined", "media-closed"]);

function isTransient(error) {
  return !(error instanceof SignalingError) || TRANSIENT_CODES.has(error.code);
}

const RETRY_DELAY_MS = 2000;

export class Call extends Emitter {
  phase = "connecting";
  roster = new Roster();
  /** How many times this call got back in after an outage. */
  rejoins = 0;
  /** The shared CT view (ViewerInfo) and the recording state (RecordingInfo), as last heard;
   * events `viewer` (info, {reset}) and `recording` (info) say when they change. */
  viewer = null;
  recording = null;
  #signaling;
  #media;
  #me;
  #publisher = null;
  #subscriber = null;
  #joinedOnSocket = false;
  #buffering = false;
  #buffered = [];
  #rejoining = false;
  #rejoinAgain = false;
  #retryTimer = 0;
  #over = false;
  #offMedia;

  /**
   * @param origin the server's origin
   * @param token the join token
   * @param me the `/api/me` reply (who the token names)
   * @param media the `LocalMedia` with the tracks chosen in the pre-call check
   * @param signaling a `Signaling` already connecting (opened during the pre-call
   *   check, so Join does not wait for the WebSocket handshakes); else a new one
   */
  constructor({ origin, token, me, media, signaling = null }) {
    super();
    this.#me = me;
    this.#media = media;
    this.#signaling = signaling ?? new Signaling(origin, token);
    this.#listen();
    // The browser's own "stop sharing" button ends the track without our button.
    this.#offMedia = media.on("screen-ended", () => {
      this.emit("media");
      this.#publisher?.remove("screen").catch((error) => console.warn("[Call] unpublishing the screen", error));
    });
  }

  get me() {
    return this.#me;
  }

  get media() {
    return this.#media;
  }

  get subscriber() {
    return this.#subscriber;
  }

  get publisher() {
    return this.#publisher;
  }

  get signaling() {
    return this.#signaling;
  }

  /** Whether this person may send audio and video (observers may not). */
  get mayPublish() {
    return this.#me.role !== "observer";
  }

  /** Connects and joins; throws a `SignalingError` if the server refuses. */
  async start() {
    // User Timing marks: the join's steps, for diagnostics and benchmarks/join_latency.py.
    performance.mark("mdt:join-clicked");
    await this.#signaling.open();
    performance.mark("mdt:socket-connected");
    // A rejoin asked for meanwhile (a media connection failed already) waits for this join.
    this.#rejoining = true;
    let failure = null;
    try {
      await this.#join();
    } catch (error) {
      failure = error;
    } finally {
      this.#rejoining = false;
    }
    if (failure) {
      if (!isTransient(failure)) throw failure;
      // A slow or restarting server: keep the call screen and try again.
      console.warn("[Call] the join failed; trying again", failure.code ?? failure, failure.message);
      this.rejoin(`join failed: ${failure.code ?? failure.name}`);
      return;
    }
    performance.mark("mdt:published");
    if (this.#rejoinAgain) {
      this.#rejoinAgain = false;
      this.rejoin("lost during the join");
      return;
    }
    this.#setPhase("joined", { reconnected: false });
  }

  /** Leaves for good (the "leave" button). Idempotent. */
  async leave() {
    if (this.#isOver()) return;
    if (this.#signaling.connected && this.#joinedOnSocket) {
      await this.#signaling.request(ClientEvent.LEAVE).catch((error) => console.warn("[Call] leave", error.code));
    }
    this.#end("left");
  }

  /** Drops everything without a goodbye and without an end page (a failed start). */
  close() {
    if (!this.#isOver()) this.#end("closed");
  }

  async setAudioMuted(muted) {
    this.#media.setAudioMuted(muted);
    this.emit("media");
    await this.#sendMediaState();
  }

  async setVideoMuted(muted) {
    this.#media.setVideoMuted(muted);
    this.emit("media");
    await this.#sendMediaState();
  }

  get sharing() {
    return this.#media.screenTrack !== null;
  }

  /** Starts sharing a screen (the browser asks which); throws if refused or cancelled. */
  async startScreenShare() {
    if (this.sharing || !this.#publisher) return;
    const track = await this.#media.startScreen();
    this.emit("media");
    try {
      await this.#publisher.add([{ track, source: "screen" }]);
    } catch (error) {
      this.#media.stopScreen();
      this.emit("media");
      throw error;
    }
  }

  async stopScreenShare() {
    if (!this.sharing) return;
    this.#media.stopScreen();
    this.emit("media");
    if (this.#publisher?.has("screen")) await this.#publisher.remove("screen");
  }

  /** Sends a chat message; returns the stored message. */
  async sendChat(text) {
    const reply = await this.#signaling.request(ClientEvent.CHAT, { text });
    const { ok: _ok, ...message } = reply;
    this.roster.addChat(message);
    return message;
  }

  /** A pc of this call changed state (wired by the reconnector). */
  onConnectionState = null;

  /**
   * Joins again after an outage. Without a socket it waits: the next `connected`
   * calls it again. Concurrent triggers collapse into one more round.
   */
  async rejoin(reason) {
    if (this.#isOver()) return;
    console.info(`[Call] rejoining (${reason})`);
    clearTimeout(this.#retryTimer);
    if (this.phase !== "reconnecting") this.#setPhase("reconnecting", { reason });
    // Without signaling, the media connections are kept: they may well still carry
    // media (a lost WebSocket does not stop UDP), until the server drops the session
    // or the new join replaces it.
    if (!this.#signaling.connected) return;
    if (this.#rejoining) {
      this.#rejoinAgain = true;
      return;
    }
    this.#rejoining = true;
    try {
      do {
        this.#rejoinAgain = false;
        this.#closeConnections();
        if (this.#joinedOnSocket) {
          // Same socket: the server still has this session; leave it first.
          await this.#signaling.request(ClientEvent.LEAVE).catch(() => {});
          this.#joinedOnSocket = false;
        }
        await this.#join();
      } while (this.#rejoinAgain && this.#signaling.connected && !this.#isOver());
      if (this.#isOver()) return;
      this.rejoins += 1;
      this.#setPhase("joined", { reconnected: true });
    } catch (error) {
      if (this.#isOver()) return;
      if (!isTransient(error)) {
        this.#end("failed", { error });
        return;
      }
      console.warn("[Call] rejoin failed; trying again", error);
      this.#retryTimer = setTimeout(() => this.rejoin("retry"), RETRY_DELAY_MS);
    } finally {
      this.#rejoining = false;
    }
  }

  /** Receive-side video statistics of every other participant (tests and benchmarks). */
  async remoteVideoStats() {
    const out = [];
    const subscriber = this.#subscriber;
    if (!subscriber) return out;
    for (const info of subscriber.tracks.values()) {
      if (info.kind !== "video") continue;
      let inbound = null;
      const report = await info.receiver.getStats().catch(() => null);
      report?.forEach((stat) => {
        if (stat.type === "inbound-rtp") inbound = stat;
      });
      out.push({
        participant_id: info.participant_id,
        source: info.source,
        track_id: info.track_id,
        framesDecoded: inbound?.framesDecoded ?? 0,
        framesReceived: inbound?.framesReceived ?? 0,
        frameWidth: inbound?.frameWidth ?? 0,
        frameHeight: inbound?.frameHeight ?? 0,
        bytesReceived: inbound?.bytesReceived ?? 0,
        packetsLost: inbound?.packetsLost ?? 0,
      });
    }
    return out;
  }

  // --- joining ------------------------------------------------------------------

  async #join() {
    // Events that arrive before the join reply are applied after it, in order: the
    // reply is the whole state, the events are what changed since.
    this.#buffering = true;
    this.#buffered = [];
    let reply;
    try {
      // From here the server may hold a session for this socket (even if the reply
      // never arrives): a later rejoin on the same socket leaves it first.
      this.#joinedOnSocket = true;
      reply = await this.#signaling.request(ClientEvent.JOIN);
    } catch (error) {
      this.#buffering = false;
      this.#buffered = [];
      throw error;
    }
    performance.mark("mdt:join-reply");
    this.roster.reset(reply);
    this.#setViewer(reply.viewer, true);
    this.#setRecording(reply.recording);
    const iceServers = reply.ice_servers.map(({ urls, username, credential }) => ({
      urls,
      ...(username ? { username } : {}),
      ...(credential ? { credential } : {}),
    }));
    const subscriber = new Subscriber({
      signaling: this.#signaling,
      iceServers,
      onTracks: (tracks) => {
        if (subscriber === this.#subscriber) this.emit("tracks", tracks);
      },
      onConnectionState: (state) => {
        if (subscriber === this.#subscriber) this.onConnectionState?.("recv", state);
      },
    });
    this.#subscriber = subscriber;
    this.#buffering = false;
    for (const [name, payload] of this.#buffered.splice(0)) this.#handle(name, payload);
    this.emit("tracks", subscriber.tracks);
    await this.#publish(iceServers);
    if (this.#media.audioMuted || this.#media.videoMuted || !this.#media.audioTrack) {
      await this.#sendMediaState();
    }
  }

  async #publish(iceServers) {
    if (!this.mayPublish) return;
    const items = [];
    if (this.#media.audioTrack) items.push({ track: this.#media.audioTrack, source: "microphone" });
    if (this.#media.videoTrack) items.push({ track: this.#media.videoTrack, source: "camera" });
    if (this.#media.screenTrack) items.push({ track: this.#media.screenTrack, source: "screen" });
    if (items.length === 0) return;
    const publisher = new Publisher({
      signaling: this.#signaling,
      iceServers,
      onConnectionState: (state) => {
        if (publisher === this.#publisher) this.onConnectionState?.("send", state);
      },
    });
    this.#publisher = publisher;
    await publisher.add(items);
  }

  async #sendMediaState() {
    if (!this.#signaling.connected || !this.#joinedOnSocket || !this.mayPublish) return;
    // Without a microphone this person is as good as muted: the others see it so.
    const state = {
      audio_muted: this.#media.audioMuted || !this.#media.audioTrack,
      video_muted: this.#media.videoMuted,
    };
    await this.#signaling.request(ClientEvent.MEDIA_STATE, state);
    const self = this.roster.self;
    if (self) this.roster.upsert({ ...self, ...state });
  }

  // --- server events --------------------------------------------------------------

  #listen() {
    const signaling = this.#signaling;
    for (const name of Object.values(ServerEvent)) {
      signaling.on(name, (payload) => {
        if (this.#buffering) this.#buffered.push([name, payload]);
        else this.#handle(name, payload);
      });
    }
    signaling.on("disconnected", (reason) => {
      this.#joinedOnSocket = false;
      if (this.#isOver()) return;
      this.rejoin(`socket ${reason}`);
      // The server closed this connection itself (its media transport failed, or it
      // restarted); Socket.IO does not retry that on its own.
      if (reason === "io server disconnect") setTimeout(() => signaling.reconnect(), 300);
    });
    signaling.on("connected", ({ first }) => {
      if (!first) this.rejoin("socket reconnected");
    });
    signaling.on("refused", (error) => {
      if (this.phase !== "connecting") this.#end("failed", { error });
    });
  }

  #handle(name, payload) {
    const roster = this.roster;
    const isSelf = payload?.participant_id === roster.selfId;
    switch (name) {
      case ServerEvent.PARTICIPANT_JOINED:
      case ServerEvent.PARTICIPANT_UPDATED:
        if (!isSelf) roster.upsert(payload);
        break;
      case ServerEvent.PARTICIPANT_LEFT:
        if (!isSelf) roster.remove(payload.participant_id);
        break;
      case ServerEvent.ACTIVE_SPEAKER:
        roster.setSpeaker(payload.participant_id ?? null);
        break;
      case ServerEvent.CHAT:
        roster.addChat(payload);
        break;
      case ServerEvent.SUBSCRIBE_OFFER:
        this.#subscriber?.handleOffer(payload);
        break;
      case ServerEvent.VIEWER_STATE:
        this.#setViewer(payload, false);
        break;
      case ServerEvent.RECORDING_STATE:
        this.#setRecording(payload);
        break;
      case ServerEvent.SESSION_REPLACED:
        this.#end("replaced");
        break;
      case ServerEvent.REQUEST_ERROR:
        console.warn("[Call] request error", payload);
        break;
      default:
        // track-published / track-unpublished: the subscribe-offer that follows says the same.
        break;
    }
  }

  #setViewer(info, reset) {
    if (!info) return;
    this.viewer = info;
    this.emit("viewer", info, { reset });
  }

  #setRecording(info) {
    if (!info) return;
    this.recording = info;
    this.emit("recording", info);
  }

  // --- ending -----------------------------------------------------------------------

  #closeConnections() {
    this.#publisher?.close();
    this.#subscriber?.close();
    this.#publisher = null;
    this.#subscriber = null;
    this.emit("tracks", new Map());
  }

  #isOver() {
    return this.#over;
  }

  #end(phase, detail = {}) {
    if (this.#over) return;
    this.#over = true; // First: closing the socket below must not start a rejoin.
    clearTimeout(this.#retryTimer);
    this.#closeConnections();
    this.#signaling.close();
    this.#offMedia();
    this.#setPhase(phase, detail);
    this.removeAllListeners();
  }

  #setPhase(phase, detail = {}) {
    this.phase = phase;
    this.emit("phase", phase, detail);
  }
}
