/**
 * The call screen: top bar, video grid, reconnect banner, controls, side panel.
 * It renders what the `Call` and its `Roster` say and sends the user's actions back.
 */

import { AudioSink } from "./audio_sink.js";
import { ChatPanel } from "./chat.js";
import { Controls } from "./controls.js";
import { CtPane } from "./ct_pane.js";
import { h, replaceChildren } from "./dom.js";
import { brand, languageToggle } from "./header.js";
import { icon } from "./icons.js";
import { Grid } from "./grid.js";
import { ParticipantsPanel } from "./participants_panel.js";
import { QualityMonitor } from "./quality.js";
import { RecordingControls } from "./recording_controls.js";
import { SidePanel } from "./side_panel.js";

const RECONNECTED_BANNER_MS = 3000;
const TOAST_MS = 5000;

function clock(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const pad = (n) => String(n).padStart(2, "0");
  const hours = Math.floor(total / 3600);
  return `${hours ? `${hours}:` : ""}${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}

export class CallView {
  #i18n;
  #call;
  #offs = [];
  #timers = { banner: 0, toast: 0, clock: 0 };
  #unread = 0;
  #remoteTracks = new Map();
  #startedAt = Date.now();
  #quality;

  constructor(root, i18n, call, { onLeave, token }) {
    this.#i18n = i18n;
    this.#call = call;
    const roster = call.roster;
    this.grid = new Grid(i18n);
    this.audio = new AudioSink();
    this.chat = new ChatPanel(i18n, roster, (text) => call.sendChat(text));
    this.participants = new ParticipantsPanel(i18n, roster);
    this.side = new SidePanel(i18n, { participants: this.participants, chat: this.chat, onChange: () => this.#onPanel() });
    // The shared CT pane beside the video grid (stacked on a phone), and recording in the top bar.
    this.ct = new CtPane(i18n, call, { token, onToggle: () => this.controls && this.#renderControls() });
    this.recording = new RecordingControls(i18n, call);
    this.controls = new Controls(i18n, {
      onMute: () => this.#act(() => call.setAudioMuted(!call.media.audioMuted)),
      onCamera: () => this.#act(() => call.setVideoMuted(!call.media.videoMuted)),
      onShare: () => this.#toggleShare(),
      onParticipants: () => this.side.toggle("participants"),
      onChat: () => this.side.toggle("chat"),
      onLeave: () => onLeave(),
      onCt: () => this.ct.toggle(),
    });
    this.title = h("span", { class: "topbar__title" });
    this.subtitle = h("span", { class: "topbar__subtitle" });
    this.present = h("span", { class: "topbar__present" });
    this.elapsed = h("span", { class: "topbar__elapsed" }, "00:00");
    this.selfQuality = h("span", { class: "quality quality--inline", "data-level": "unknown" }, h("span", { class: "quality__bars", "aria-hidden": "true" }, h("i"), h("i"), h("i")));
    this.bannerText = h("strong", { class: "banner__text" });
    this.bannerDetail = h("span", { class: "banner__detail" });
    this.banner = h(
      "div",
      { class: "banner", "data-testid": "reconnect-banner", role: "status", hidden: true },
      h("span", { class: "banner__icon" }, icon("refresh")),
      h("span", { class: "banner__body" }, this.bannerText, this.bannerDetail),
    );
    this.toast = h("div", { class: "toast", role: "alert", hidden: true });
    this.el = h(
      "div",
      { class: "call", "data-testid": "call" },
      h(
        "header",
        { class: "topbar" },
        brand(i18n),
        h("div", { class: "topbar__consultation" }, this.title, this.subtitle),
        h("div", { class: "topbar__status" }, this.recording.el, h("span", { class: "topbar__live" }, h("i", { class: "live-dot" }), this.elapsed), this.present, this.selfQuality),
        languageToggle(i18n, "lang-toggle--compact"),
      ),
      h(
        "div",
        { class: "call__body" },
        h("div", { class: "stage" }, this.banner, this.grid.el, this.toast),
        this.side.backdrop,
        this.ct.el,
        this.side.el,
      ),
      this.controls.el,
      this.audio.el,
    );
    replaceChildren(root, this.el);

    this.#offs.push(
      roster.on("reset", () => this.#renderAll()),
      roster.on("participant", () => this.#renderPeople()),
      roster.on("left", () => this.#renderPeople()),
      roster.on("speaker", (id) => {
        this.grid.setSpeaker(id);
        this.participants.render(this.#self());
      }),
      roster.on("chat", (message) => this.#onChat(message)),
      call.on("tracks", (tracks) => {
        this.#remoteTracks = tracks;
        this.audio.sync(tracks);
        this.#renderPeople();
      }),
      call.on("media", () => this.#renderPeople()),
      call.on("phase", (phase, detail) => this.#onPhase(phase, detail)),
      i18n.on("change", () => this.#renderHeader()),
    );
    // A click anywhere lets blocked audio play (autoplay policy).
    this.el.addEventListener("pointerdown", () => this.audio.resume());
    this.#quality = new QualityMonitor({
      getSubscriber: () => call.subscriber,
      getPublisher: () => call.publisher,
      selfId: () => roster.selfId,
      onUpdate: (results) => this.#onQuality(results),
    });
    this.#quality.start();
    this.#timers.clock = setInterval(() => (this.elapsed.textContent = clock(Date.now() - this.#startedAt)), 1000);
    this.#renderAll();
  }

  close() {
    for (const off of this.#offs) off();
    this.#quality.stop();
    clearInterval(this.#timers.clock);
    clearTimeout(this.#timers.banner);
    clearTimeout(this.#timers.toast);
    this.grid.close();
    this.ct.close();
    this.recording.close();
    this.audio.close();
  }

  /** This client's ParticipantInfo with its mute state as it is right now. */
  #self() {
    const self = this.#call.roster.self;
    if (!self) return null;
    const media = this.#call.media;
    return this.#call.mayPublish ? { ...self, audio_muted: media.audioMuted || !media.audioTrack, video_muted: media.videoMuted } : self;
  }

  #renderAll() {
    this.#renderHeader();
    this.chat.render();
    this.#renderPeople();
  }

  #renderHeader() {
    const roster = this.#call.roster;
    const me = this.#call.me;
    this.title.textContent = roster.title || me.consultation_id;
    this.subtitle.textContent = roster.consultationId && roster.title !== roster.consultationId ? roster.consultationId : "";
    this.#i18n.text(this.present, "call.present", { n: roster.participants.size || 1 });
  }

  #renderPeople() {
    const call = this.#call;
    const roster = call.roster;
    const self = this.#self();
    const others = roster.others;
    const participants = self ? [...others, self] : others;
    this.grid.sync({
      participants,
      selfId: roster.selfId,
      remoteTracks: this.#remoteTracks,
      local: {
        videoTrack: call.mayPublish ? call.media.videoTrack : null,
        screenTrack: call.media.screenTrack,
        hasMicrophone: call.mayPublish && Boolean(call.media.audioTrack),
        mayPublish: call.mayPublish,
      },
    });
    this.grid.setSpeaker(roster.speakerId);
    this.participants.render(self);
    this.side.setCount(roster.participants.size);
    this.#i18n.text(this.present, "call.present", { n: roster.participants.size || 1 });
    this.#renderControls();
  }

  #renderControls() {
    const call = this.#call;
    this.controls.update({
      audioMuted: call.media.audioMuted,
      videoMuted: call.media.videoMuted,
      sharing: call.sharing,
      hasMicrophone: Boolean(call.media.audioTrack),
      hasCamera: Boolean(call.media.videoTrack),
      mayPublish: call.mayPublish,
      canShare: Boolean(navigator.mediaDevices?.getDisplayMedia),
      panelTab: this.side.open ? this.side.tab : null,
      unread: this.#unread,
      ctOpen: this.ct.open,
    });
  }

  #onPanel() {
    if (this.side.visible("chat")) {
      this.#unread = 0;
      this.side.setUnread(0);
      if (!this.side.narrow) this.chat.list.parentElement.scrollTop = this.chat.list.parentElement.scrollHeight;
    }
    this.#renderControls();
  }

  #onChat(message) {
    this.chat.add(message);
    if (message.participant_id !== this.#call.roster.selfId && !this.side.visible("chat")) {
      this.#unread += 1;
      this.side.setUnread(this.#unread);
      this.#renderControls();
    }
  }

  #onQuality(results) {
    this.grid.setQuality(results);
    const own = results.get(this.#call.roster.selfId);
    this.selfQuality.dataset.level = own?.level ?? "unknown";
    this.#i18n.attr(this.selfQuality, "title", `quality.${own?.level ?? "unknown"}`);
  }

  #onPhase(phase, detail) {
    clearTimeout(this.#timers.banner);
    if (phase === "reconnecting") {
      this.banner.dataset.state = "reconnecting";
      this.#i18n.text(this.bannerText, "banner.reconnecting");
      this.#i18n.text(this.bannerDetail, "banner.reconnectingDetail");
      this.banner.hidden = false;
    } else if (phase === "joined" && detail?.reconnected) {
      this.banner.dataset.state = "reconnected";
      this.#i18n.text(this.bannerText, "banner.reconnected");
      this.bannerDetail.textContent = "";
      delete this.bannerDetail.dataset.i18n;
      this.banner.hidden = false;
      this.#timers.banner = setTimeout(() => (this.banner.hidden = true), RECONNECTED_BANNER_MS);
    }
  }

  async #toggleShare() {
    const call = this.#call;
    try {
      if (call.sharing) await call.stopScreenShare();
      else await call.startScreenShare();
    } catch (error) {
      // Cancelling the browser's picker is a choice, not an error.
      if (error?.name !== "NotAllowedError" && error?.name !== "AbortError") {
        this.#showToast("control.shareFailed", { reason: error.message ?? String(error) });
      }
    }
    this.#renderPeople();
  }

  async #act(action) {
    try {
      await action();
    } catch (error) {
      this.#showToast("control.failed", { reason: error.message ?? String(error) });
    }
    this.#renderPeople();
  }

  #showToast(key, params) {
    clearTimeout(this.#timers.toast);
    this.#i18n.text(this.toast, key, params);
    this.toast.hidden = false;
    this.#timers.toast = setTimeout(() => (this.toast.hidden = true), TOAST_MS);
  }
}
