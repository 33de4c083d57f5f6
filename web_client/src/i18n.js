/**
 * Every string the user sees, in Simplified Chinese (first) and English, and the
 * language switch. Elements translated with `i18n.text()` / `i18n.attr()` keep their
 * key in a data attribute and follow a language change without re-rendering.
 */

import { Emitter } from "./emitter.js";

export const LANGUAGES = ["zh-CN", "en"];
const STORAGE_KEY = "mdt.lang";
const TRANSLATED_ATTRIBUTES = ["title", "aria-label", "placeholder"];

const STRINGS = {
  "zh-CN": {
    "app.title": "远程多学科会诊",
    "app.brand": "远程会诊",
    "app.loading": "正在加载远程会诊…",
    "lang.switchTo": "English",
    "lang.label": "切换语言",

    "role.inviting": "邀请方医生",
    "role.coordinator": "协调员",
    "role.expert": "会诊专家",
    "role.observer": "观察员",

    "precall.heading": "加入会诊前的检查",
    "precall.subheading": "请确认摄像头、麦克风和网络正常，再加入会诊。",
    "precall.expires": "链接有效期至 {time}",
    "precall.camera": "摄像头",
    "precall.microphone": "麦克风",
    "precall.network": "网络",
    "precall.micLevel": "麦克风音量",
    "precall.speakHint": "请说几句话，音量条应随之跳动。",
    "precall.cameraStarting": "正在打开摄像头…",
    "precall.cameraOk": "摄像头正常",
    "precall.micOk": "麦克风正常",
    "precall.cameraMissing": "未检测到摄像头。您可以仅用语音加入会诊。",
    "precall.cameraDenied": "摄像头权限被拒绝。请在浏览器地址栏允许使用摄像头后刷新，或仅用语音加入。",
    "precall.cameraBusy": "摄像头被其他程序占用。请关闭该程序后刷新，或仅用语音加入。",
    "precall.micMissing": "未检测到麦克风。您仍可加入会诊，但只能收听，其他人听不到您。",
    "precall.micDenied": "麦克风权限被拒绝。您仍可加入会诊，但只能收听。",
    "precall.micBusy": "麦克风被其他程序占用。您仍可加入会诊，但只能收听。",
    "precall.observerNote": "您以观察员身份参加：可以观看、收听并发送文字消息，不使用摄像头和麦克风。",
    "precall.networkChecking": "正在检测网络…",
    "precall.network.good": "网络良好",
    "precall.network.fair": "网络一般",
    "precall.network.poor": "网络较差，建议仅用语音",
    "precall.network.offline": "无法连接会诊服务器",
    "precall.networkDetail": "往返时延 {rtt} 毫秒",
    "precall.recheck": "重新检测",
    "precall.join": "加入会诊",
    "precall.joinAudioOnly": "仅语音加入",
    "precall.joinListenOnly": "仅收听加入",
    "precall.joinObserver": "以观察员身份加入",
    "precall.joining": "正在加入…",
    "precall.noDevice": "无可用设备",
    "precall.device": "设备 {n}",
    "precall.privacy": "会诊中的音视频和聊天内容属于患者诊疗信息，请在安静、私密的环境中参加。",

    "call.present": "{n} 人参会",
    "control.mute": "静音",
    "control.unmute": "取消静音",
    "control.cameraOff": "关闭视频",
    "control.cameraOn": "开启视频",
    "control.share": "共享屏幕",
    "control.stopShare": "停止共享",
    "control.chat": "聊天",
    "control.participants": "参会人员",
    "control.leave": "离开",
    "control.noMic": "无麦克风",
    "control.noCamera": "无摄像头",
    "control.observer": "观察员不发送音视频",
    "control.shareFailed": "无法共享屏幕：{reason}",
    "control.failed": "操作未完成：{reason}",

    "tile.screen": "{name} 的屏幕共享",
    "tile.selfSuffix": "（我）",
    "tile.muted": "已静音",
    "tile.cameraOff": "摄像头已关闭",
    "tile.audioOnly": "仅语音",
    "tile.listenOnly": "仅收听",
    "tile.connecting": "正在接收视频…",
    "quality.good": "连接良好",
    "quality.fair": "连接一般",
    "quality.poor": "连接较差",
    "quality.unknown": "正在测量连接质量",
    "quality.detail": "丢包 {loss}% · 抖动 {jitter} 毫秒 · 码率 {bitrate} kbps · 往返 {rtt} 毫秒",

    "panel.participants": "参会人员",
    "panel.chat": "聊天",
    "panel.close": "关闭",
    "chat.placeholder": "输入消息，按 Enter 发送",
    "chat.send": "发送",
    "chat.empty": "暂无消息。聊天内容会随会诊记录一同保存。",
    "chat.failed": "消息未发送：{reason}",
    "chat.you": "我",
    "participants.you": "（我）",
    "participants.muted": "已静音",
    "participants.cameraOff": "摄像头已关闭",

    "banner.reconnecting": "正在重新连接…",
    "banner.reconnectingDetail": "网络恢复后会自动回到会诊，无需任何操作。",
    "banner.reconnected": "已重新连接",

    "page.expired.title": "链接已过期",
    "page.expired.body": "出于安全考虑，会诊链接只在限定时间内有效。请联系会诊协调员获取新的链接。",
    "page.invalid.title": "链接无效",
    "page.invalid.body": "链接可能不完整或已被改动。请从协调员发来的原始消息中重新打开，或请协调员发送新的链接。",
    "page.missing.title": "请使用会诊链接加入",
    "page.missing.body": "此页面需要会诊协调员发给您的个人会诊链接。请从该消息中打开链接。",
    "page.wrong.title": "链接与会诊不符",
    "page.wrong.body": "此链接属于另一场会诊。请联系会诊协调员确认。",
    "page.unreachable.title": "无法连接会诊服务器",
    "page.unreachable.body": "请检查网络连接后重试。如果问题持续，请联系本院信息科或会诊协调员。",
    "page.refused.title": "无法加入会诊",
    "page.refused.body": "服务器拒绝了加入请求：{message}",
    "page.unsupported.title": "浏览器不支持音视频会诊",
    "page.unsupported.body": "请使用最新版本的 Chrome、Edge 或 Firefox 打开会诊链接。",
    "page.replaced.title": "您已在另一个窗口加入会诊",
    "page.replaced.body": "同一身份只能在一个窗口参加会诊，本窗口已断开。您可以关闭本窗口，或在此窗口继续（另一窗口将断开）。",
    "page.replaced.action": "在此窗口继续",
    "page.left.title": "您已离开会诊",
    "page.left.body": "会诊仍在进行时，您可以随时重新加入。",
    "page.rejoin": "重新加入",
    "page.retry": "重试",
    "page.code": "错误代码：{code}",
    "page.contact": "如需帮助，请联系会诊协调员。",
    "review.title": "会诊回顾",
    "review.body": "会诊录像回顾尚未在此版本中提供。",
  },
  en: {
    "app.title": "Remote MDT consultation",
    "app.brand": "Teleconsultation",
    "app.loading": "Loading the consultation…",
    "lang.switchTo": "中文",
    "lang.label": "Switch language",

    "role.inviting": "Referring doctor",
    "role.coordinator": "Coordinator",
    "role.expert": "Consulting expert",
    "role.observer": "Observer",

    "precall.heading": "Before you join",
    "precall.subheading": "Check your camera, microphone and network, then join the consultation.",
    "precall.expires": "Link valid until {time}",
    "precall.camera": "Camera",
    "precall.microphone": "Microphone",
    "precall.network": "Network",
    "precall.micLevel": "Microphone level",
    "precall.speakHint": "Say a few words: the bar should move.",
    "precall.cameraStarting": "Starting the camera…",
    "precall.cameraOk": "Camera working",
    "precall.micOk": "Microphone working",
    "precall.cameraMissing": "No camera found. You can join with audio only.",
    "precall.cameraDenied": "Camera access was refused. Allow it in the address bar and reload, or join with audio only.",
    "precall.cameraBusy": "The camera is in use by another program. Close it and reload, or join with audio only.",
    "precall.micMissing": "No microphone found. You can still join, but only to listen: the others will not hear you.",
    "precall.micDenied": "Microphone access was refused. You can still join, but only to listen.",
    "precall.micBusy": "The microphone is in use by another program. You can still join, but only to listen.",
    "precall.observerNote": "You take part as an observer: you see, hear and can write in the chat; your camera and microphone are not used.",
    "precall.networkChecking": "Checking the network…",
    "precall.network.good": "Good network",
    "precall.network.fair": "Fair network",
    "precall.network.poor": "Poor network: audio only is advisable",
    "precall.network.offline": "Cannot reach the consultation server",
    "precall.networkDetail": "Round trip {rtt} ms",
    "precall.recheck": "Check again",
    "precall.join": "Join consultation",
    "precall.joinAudioOnly": "Join with audio only",
    "precall.joinListenOnly": "Join to listen only",
    "precall.joinObserver": "Join as observer",
    "precall.joining": "Joining…",
    "precall.noDevice": "No device available",
    "precall.device": "Device {n}",
    "precall.privacy": "The audio, video and chat of a consultation are patient information: take part from a quiet, private place.",

    "call.present": "{n} present",
    "control.mute": "Mute",
    "control.unmute": "Unmute",
    "control.cameraOff": "Stop video",
    "control.cameraOn": "Start video",
    "control.share": "Share screen",
    "control.stopShare": "Stop sharing",
    "control.chat": "Chat",
    "control.participants": "Participants",
    "control.leave": "Leave",
    "control.noMic": "No microphone",
    "control.noCamera": "No camera",
    "control.observer": "Observers do not send audio or video",
    "control.shareFailed": "Could not share the screen: {reason}",
    "control.failed": "That did not work: {reason}",

    "tile.screen": "{name}'s screen",
    "tile.selfSuffix": " (you)",
    "tile.muted": "Muted",
    "tile.cameraOff": "Camera off",
    "tile.audioOnly": "Audio only",
    "tile.listenOnly": "Listening only",
    "tile.connecting": "Receiving video…",
    "quality.good": "Good connection",
    "quality.fair": "Fair connection",
    "quality.poor": "Poor connection",
    "quality.unknown": "Measuring the connection",
    "quality.detail": "Loss {loss}% · Jitter {jitter} ms · Bitrate {bitrate} kbps · RTT {rtt} ms",

    "panel.participants": "Participants",
    "panel.chat": "Chat",
    "panel.close": "Close",
    "chat.placeholder": "Write a message, Enter to send",
    "chat.send": "Send",
    "chat.empty": "No messages yet. The chat is kept with the consultation record.",
    "chat.failed": "Not sent: {reason}",
    "chat.you": "You",
    "participants.you": " (you)",
    "participants.muted": "Muted",
    "participants.cameraOff": "Camera off",

    "banner.reconnecting": "Reconnecting…",
    "banner.reconnectingDetail": "You will be back in the consultation as soon as the network returns; nothing to do.",
    "banner.reconnected": "Reconnected",

    "page.expired.title": "This link has expired",
    "page.expired.body": "For security, consultation links are valid for a limited time. Ask the consultation coordinator for a new link.",
    "page.invalid.title": "This link is not valid",
    "page.invalid.body": "The link may be incomplete or altered. Open it again from the coordinator's original message, or ask for a new one.",
    "page.missing.title": "Open your consultation link",
    "page.missing.body": "This page needs the personal consultation link the coordinator sent you. Open the link from that message.",
    "page.wrong.title": "This link is for another consultation",
    "page.wrong.body": "Ask the consultation coordinator to check your link.",
    "page.unreachable.title": "Cannot reach the consultation server",
    "page.unreachable.body": "Check your network connection and try again. If it persists, contact your IT department or the coordinator.",
    "page.refused.title": "Could not join the consultation",
    "page.refused.body": "The server refused to let you join: {message}",
    "page.unsupported.title": "This browser cannot take part in video consultations",
    "page.unsupported.body": "Open the consultation link in a recent Chrome, Edge or Firefox.",
    "page.replaced.title": "You joined from another window",
    "page.replaced.body": "You can take part from one window at a time, so this one has been disconnected. Close it, or continue here (the other window will be disconnected).",
    "page.replaced.action": "Continue here",
    "page.left.title": "You left the consultation",
    "page.left.body": "You can rejoin while the consultation is still open.",
    "page.rejoin": "Rejoin",
    "page.retry": "Try again",
    "page.code": "Error code: {code}",
    "page.contact": "For help, contact the consultation coordinator.",
    "review.title": "Consultation review",
    "review.body": "Reviewing recorded consultations is not available in this version.",
  },
};

function format(template, params) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

export class I18n extends Emitter {
  #lang;
  #storage;
  #params = new WeakMap();

  constructor(storage) {
    super();
    this.#storage = storage;
    const saved = safely(() => storage.getItem(STORAGE_KEY));
    this.#lang = LANGUAGES.includes(saved) ? saved : LANGUAGES[0];
    document.documentElement.lang = this.#lang;
  }

  get lang() {
    return this.#lang;
  }

  /** The string `key` in the current language, `{name}` placeholders filled from `params`. */
  t(key, params = {}) {
    const template = STRINGS[this.#lang][key] ?? STRINGS[LANGUAGES[0]][key];
    if (template === undefined) {
      console.warn(`[I18n] no string '${key}'`);
      return key;
    }
    return format(template, params);
  }

  role(role) {
    return this.t(`role.${role}`);
  }

  /** A clock time (hours and minutes) in the current language. */
  time(ms) {
    return new Intl.DateTimeFormat(this.#lang, { hour: "2-digit", minute: "2-digit" }).format(ms);
  }

  dateTime(ms) {
    return new Intl.DateTimeFormat(this.#lang, { dateStyle: "medium", timeStyle: "short" }).format(ms);
  }

  set(lang) {
    if (!LANGUAGES.includes(lang) || lang === this.#lang) return;
    this.#lang = lang;
    safely(() => this.#storage.setItem(STORAGE_KEY, lang));
    document.documentElement.lang = lang;
    document.title = this.t("app.title");
    this.apply(document);
    this.emit("change", lang);
  }

  toggle() {
    this.set(LANGUAGES[(LANGUAGES.indexOf(this.#lang) + 1) % LANGUAGES.length]);
  }

  /** Sets `element`'s text to `key` and keeps it translated. */
  text(element, key, params = {}) {
    element.dataset.i18n = key;
    this.#params.set(element, params);
    element.textContent = this.t(key, params);
    return element;
  }

  /** Sets attribute `name` (title, aria-label, placeholder) to `key` and keeps it translated. */
  attr(element, name, key, params = {}) {
    element.setAttribute(`data-i18n-${name}`, key);
    this.#params.set(element, { ...(this.#params.get(element) ?? {}), [`@${name}`]: params });
    element.setAttribute(name, this.t(key, params));
    return element;
  }

  /** Re-translates every element under `root` that `text()` or `attr()` marked. */
  apply(root) {
    for (const element of root.querySelectorAll("[data-i18n]")) {
      element.textContent = this.t(element.dataset.i18n, this.#params.get(element) ?? {});
    }
    for (const name of TRANSLATED_ATTRIBUTES) {
      for (const element of root.querySelectorAll(`[data-i18n-${name}]`)) {
        const params = this.#params.get(element)?.[`@${name}`] ?? {};
        element.setAttribute(name, this.t(element.getAttribute(`data-i18n-${name}`), params));
      }
    }
  }

  /** Both languages define exactly the same keys (checked by the browser tests). */
  static missingKeys() {
    const [first, ...rest] = LANGUAGES;
    const keys = new Set(Object.keys(STRINGS[first]));
    const missing = [];
    for (const lang of rest) {
      const other = new Set(Object.keys(STRINGS[lang]));
      for (const key of keys) if (!other.has(key)) missing.push(`${lang}:${key}`);
      for (const key of other) if (!keys.has(key)) missing.push(`${first}:${key}`);
    }
    return missing;
  }
}

function safely(read) {
  try {
    return read();
  } catch {
    // Storage refused (private mode, disabled cookies): the language is not remembered.
    return null;
  }
}
