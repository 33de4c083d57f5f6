/**
 * Who is in the consultation, who is speaking, and what was said: the client's copy
 * of the server's state, rebuilt from each join reply and kept current by events.
 *
 * Events: `reset`, `participant` (info), `left` (participant_id), `speaker`
 * (participant_id or null), `chat` (message).
 */

import { Emitter } from "./emitter.js";

export class Roster extends Emitter {
  consultationId = null;
  title = "";
  selfId = null;
  /** participant_id → ParticipantInfo, in joining order. */
  participants = new Map();
  speakerId = null;
  /** ChatInfo, oldest first, each message once. */
  chat = [];
  #messageIds = new Set();

  /** Replaces everything with a `join` reply. */
  reset(reply) {
    this.consultationId = reply.consultation_id;
    this.title = reply.title;
    this.selfId = reply.self.participant_id;
    this.participants = new Map(reply.participants.map((p) => [p.participant_id, p]));
    this.participants.set(this.selfId, reply.self);
    // The server reports the speaker when it changes; a reply that says who speaks now
    // (not sent by every server version) saves a late joiner waiting for the next change.
    this.speakerId = reply.active_speaker ?? null;
    this.chat = [];
    this.#messageIds.clear();
    for (const message of reply.chat) this.#remember(message);
    this.emit("reset");
  }

  get self() {
    return this.participants.get(this.selfId) ?? null;
  }

  /** Everyone but this client. */
  get others() {
    return [...this.participants.values()].filter((p) => p.participant_id !== this.selfId);
  }

  upsert(info) {
    this.participants.set(info.participant_id, info);
    this.emit("participant", info);
  }

  remove(participantId) {
    if (!this.participants.delete(participantId)) return;
    if (this.speakerId === participantId) this.setSpeaker(null);
    this.emit("left", participantId);
  }

  setSpeaker(participantId) {
    if (participantId === this.speakerId) return;
    this.speakerId = participantId;
    this.emit("speaker", participantId);
  }

  addChat(message) {
    if (this.#remember(message)) this.emit("chat", message);
  }

  #remember(message) {
    if (this.#messageIds.has(message.message_id)) return false;
    this.#messageIds.add(message.message_id);
    this.chat.push(message);
    return true;
  }
}
