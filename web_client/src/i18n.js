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
    "review.body": "请使用会诊链接打开录像回顾。",
    "review.open": "回放",
    "review.listMeta": "时长 {duration} · {people} 人 · {files} 个音视频文件",
    "review.status.complete": "已封存",
    "review.status.interrupted": "录制中断",
    "review.none": "本次会诊还没有录像。",
    "review.headerMeta": "{people} 人 · 时长 {duration}",
    "review.back": "录像列表",
    "review.ctTitle": "CT 影像回放",
    "review.presenter": "{name} 主持",
    "review.noCt": "此时未共享影像",
    "review.ctLoading": "正在加载影像…",
    "review.ctFailed": "影像无法加载：{reason}",
    "review.chat": "聊天记录",
    "review.noChat": "录制期间没有聊天消息。",
    "review.seek": "播放进度",
    "review.rate": "播放速度",
    "review.play": "播放",
    "review.pause": "暂停",
    "review.marker.join": "加入",
    "review.marker.leave": "离开",
    "review.marker.ct": "影像变化",
    "review.marker.chat": "聊天",
    "review.marker.ctDetail": "影像：{plane} 第 {n} 层",
    "review.mediaLoading": "正在打开录像…",
    "review.mediaFailed": "录像文件无法加载",
    "review.audioOnly": "仅语音",
    "review.notYet": "尚未加入",
    "review.gone": "已离开",
    "review.denied.title": "无权查看会诊录像",
    "review.denied.body": "会诊录像属于患者病历，仅向本病例的临床医生开放。如需查看，请联系会诊协调员。",
    "review.missing.title": "找不到这段录像",
    "review.missing.body": "录像可能尚未结束封存，或链接中的录像编号有误。请从录像列表重新打开。",

    "control.ct": "CT 影像",
    "ct.title": "CT 影像",
    "ct.canvasLabel": "CT 影像：滚轮或方向键翻页，拖动调整",
    "ct.upload": "上传影像",
    "ct.pickSeries": "选择要展示的序列",
    "ct.seriesN": "序列 {n}",
    "ct.close": "收起影像",
    "ct.you": "我",
    "ct.status.presenting": "您正在主持，所有人跟随您的视图",
    "ct.status.following": "正在跟随 {name} 的视图",
    "ct.status.nobody": "共享视图 · 目前无人主持",
    "ct.status.browsing": "独立浏览中 · {name} 正在主持",
    "ct.status.browsingNobody": "独立浏览中",
    "ct.browseAlone": "独立浏览",
    "ct.follow": "回到主持人视图",
    "ct.requestControl": "申请控制",
    "ct.takeControl": "主持影像",
    "ct.takeOver": "接管控制",
    "ct.requested": "已申请，等待同意",
    "ct.releaseControl": "结束主持",
    "ct.requestFrom": "{name} 申请控制影像",
    "ct.handOver": "交给 {name}",
    "ct.tool.scroll": "翻页（拖动或滚轮）",
    "ct.tool.window": "窗宽窗位（拖动）",
    "ct.tool.zoom": "缩放",
    "ct.tool.pan": "平移",
    "ct.tool.pointer": "指示（所有人可见）",
    "ct.tool.length": "测量长度",
    "ct.tool.rectangle": "矩形 ROI",
    "ct.tool.ellipse": "椭圆 ROI",
    "ct.plane.axial": "轴位",
    "ct.plane.coronal": "冠状位",
    "ct.plane.sagittal": "矢状位",
    "ct.reset": "重置缩放和平移",
    "ct.windowWidth": "窗宽（HU）",
    "ct.windowCenter": "窗位（HU）",
    "ct.windowWidthShort": "窗宽",
    "ct.windowCenterShort": "窗位",
    "ct.windowReadout": "窗宽 {width}  窗位 {center}",
    "ct.zoomReadout": "缩放 {zoom}×",
    "ct.slice": "第 {n} / {total} 层",
    "ct.sliceSlider": "选择层面",
    "ct.seriesInfo": "{description} · {slices} 层 · {spacing} mm",
    "ct.preset.lung": "肺窗",
    "ct.preset.mediastinum": "纵隔窗",
    "ct.preset.soft-tissue": "软组织窗",
    "ct.preset.bone": "骨窗",
    "ct.preset.brain": "脑窗",
    "ct.preset.liver": "肝窗",
    "ct.preset.series": "序列窗 {n}",
    "ct.empty.title": "尚未共享 CT 影像",
    "ct.empty.body": "上传一个 DICOM 文件或一个序列的 zip 压缩包，所有参会者将同步看到影像。",
    "ct.loading": "正在下载影像 {percent}%",
    "ct.loadFailed": "影像无法加载：{reason}",
    "ct.retry": "重试",
    "ct.uploading": "正在上传 {name}：{percent}%",
    "ct.processing": "{name} 已上传，正在解析影像…",
    "ct.uploaded": "影像已上传：{description}，{slices} 层",
    "ct.uploadFailed": "上传失败：{reason}",
    "ct.error.not-dicom": "文件不是 DICOM 格式。请上传 DICOM 文件，或一个序列的 DICOM 文件打成的 zip 包。",
    "ct.error.truncated-dicom": "DICOM 文件不完整（可能传输中断），请重新导出后再上传。",
    "ct.error.no-pixel-data": "文件中没有图像数据（可能是报告或目录文件）。",
    "ct.error.not-ct": "只支持 CT 影像，此文件属于其他检查类型。",
    "ct.error.mixed-series": "压缩包中包含多个序列，请每次只上传一个序列。",
    "ct.error.inconsistent-series": "序列中的层面方向或尺寸不一致，无法组成三维影像。",
    "ct.error.unsupported-transfer-syntax": "该 DICOM 压缩格式暂不支持，请以未压缩格式导出后上传。",
    "ct.error.empty-study": "上传的文件中没有找到影像。",
    "ct.error.unsafe-archive": "压缩包结构不安全（路径或大小异常），已拒绝。",
    "ct.error.payload-too-large": "文件超过服务器允许的大小，请只上传所需的一个序列。",
    "ct.error.not-permitted": "您的角色不能上传影像。",
    "ct.error.token-expired": "会诊链接已过期，请获取新的链接后重新加入。",
    "ct.error.network-error": "网络中断，上传未完成。请检查网络后重试。",
    "ct.error.other": "服务器拒绝了请求（{code}）：{message}",
    "ct.error.viewChanged": "视图已变化，测量未保存，请重新测量。",
    "ct.error.lostControl": "您已不再主持影像，未发送的测量已取消。",
    "ct.error.offline": "与服务器的连接中断，恢复后会继续同步。",
    "ct.error.refused": "操作未完成：{reason}",
    "ct.measure.pending": "正在计算…",
    "ct.measure.length": "{mm} mm",
    "ct.measure.mean": "均值 {mean} HU  SD {sd}",
    "ct.measure.range": "范围 {min} ~ {max} HU",
    "ct.measure.area": "面积 {area} mm²",

    "rec.recording": "录制中",
    "rec.start": "开始录制",
    "rec.stop": "停止录制",
    "rec.startNeedsConsent": "开始录制（需先记录患者同意）",
    "rec.startNeedsCaseConsent": "开始录制（需先在病例中记录患者对录制的知情同意）",
    "rec.recordConsent": "记录患者同意",
    "rec.consentGiven": "患者已同意录制",
    "rec.consentHint": "确认患者已同意会诊录制后点击记录",
    "rec.consentWithdrawHint": "患者撤回同意时点击",
    "rec.error.recording-consent-missing": "尚未记录患者对录制的同意，请邀请方医生先记录同意。",
    "rec.error.not-permitted": "只有协调员和邀请方医生可以控制录制。",
    "rec.error.recording-not-started": "无法开始录制（可能已在录制中）。",
    "rec.error.not-recording": "当前没有在录制。",
    "rec.error.not-connected": "未连接到服务器，请稍后重试。",
    "rec.error.timeout": "服务器未及时响应，请重试。",
    "rec.error.other": "录制操作未完成：{reason}",
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
    "review.body": "Open the review with your consultation link.",
    "review.open": "Play",
    "review.listMeta": "{duration} · {people} people · {files} audio/video files",
    "review.status.complete": "Sealed",
    "review.status.interrupted": "Interrupted",
    "review.none": "This consultation has no recordings yet.",
    "review.headerMeta": "{people} people · {duration}",
    "review.back": "Recordings",
    "review.ctTitle": "CT replay",
    "review.presenter": "Presented by {name}",
    "review.noCt": "No images were shared at this moment",
    "review.ctLoading": "Loading the images…",
    "review.ctFailed": "The images could not be loaded: {reason}",
    "review.chat": "Chat",
    "review.noChat": "No chat messages during the recording.",
    "review.seek": "Playback position",
    "review.rate": "Playback speed",
    "review.play": "Play",
    "review.pause": "Pause",
    "review.marker.join": "Joined",
    "review.marker.leave": "Left",
    "review.marker.ct": "CT change",
    "review.marker.chat": "Chat",
    "review.marker.ctDetail": "CT: {plane} slice {n}",
    "review.mediaLoading": "Opening the recording…",
    "review.mediaFailed": "The recording file could not be loaded",
    "review.audioOnly": "Audio only",
    "review.notYet": "Not joined yet",
    "review.gone": "Left",
    "review.denied.title": "You may not view the recordings",
    "review.denied.body": "Consultation recordings are part of the patient's record and open only to the case's clinicians. Ask the coordinator if you need one.",
    "review.missing.title": "This recording was not found",
    "review.missing.body": "It may not be sealed yet, or the link names the wrong recording. Open it again from the list of recordings.",

    "control.ct": "CT images",
    "ct.title": "CT images",
    "ct.canvasLabel": "CT image: wheel or arrow keys change the slice, drag to adjust",
    "ct.upload": "Upload study",
    "ct.pickSeries": "Choose the series to show",
    "ct.seriesN": "Series {n}",
    "ct.close": "Hide images",
    "ct.you": "You",
    "ct.status.presenting": "You are presenting: everyone follows your view",
    "ct.status.following": "Following {name}'s view",
    "ct.status.nobody": "Shared view · nobody is presenting",
    "ct.status.browsing": "Browsing alone · {name} is presenting",
    "ct.status.browsingNobody": "Browsing alone",
    "ct.browseAlone": "Browse alone",
    "ct.follow": "Return to presenter",
    "ct.requestControl": "Request control",
    "ct.takeControl": "Present images",
    "ct.takeOver": "Take over",
    "ct.requested": "Requested, waiting",
    "ct.releaseControl": "Stop presenting",
    "ct.requestFrom": "{name} asks to present",
    "ct.handOver": "Hand over to {name}",
    "ct.tool.scroll": "Scroll (drag or wheel)",
    "ct.tool.window": "Window/level (drag)",
    "ct.tool.zoom": "Zoom",
    "ct.tool.pan": "Pan",
    "ct.tool.pointer": "Point (everyone sees it)",
    "ct.tool.length": "Measure length",
    "ct.tool.rectangle": "Rectangle ROI",
    "ct.tool.ellipse": "Ellipse ROI",
    "ct.plane.axial": "Axial",
    "ct.plane.coronal": "Coronal",
    "ct.plane.sagittal": "Sagittal",
    "ct.reset": "Reset zoom and pan",
    "ct.windowWidth": "Window width (HU)",
    "ct.windowCenter": "Window level (HU)",
    "ct.windowWidthShort": "W",
    "ct.windowCenterShort": "L",
    "ct.windowReadout": "W {width}  L {center}",
    "ct.zoomReadout": "Zoom {zoom}×",
    "ct.slice": "Slice {n} / {total}",
    "ct.sliceSlider": "Choose the slice",
    "ct.seriesInfo": "{description} · {slices} slices · {spacing} mm",
    "ct.preset.lung": "Lung",
    "ct.preset.mediastinum": "Mediastinum",
    "ct.preset.soft-tissue": "Soft tissue",
    "ct.preset.bone": "Bone",
    "ct.preset.brain": "Brain",
    "ct.preset.liver": "Liver",
    "ct.preset.series": "Series window {n}",
    "ct.empty.title": "No CT images shared yet",
    "ct.empty.body": "Upload a DICOM file or a zip of one series; everyone in the consultation sees it in sync.",
    "ct.loading": "Downloading the images {percent}%",
    "ct.loadFailed": "The images could not be loaded: {reason}",
    "ct.retry": "Try again",
    "ct.uploading": "Uploading {name}: {percent}%",
    "ct.processing": "{name} uploaded; reading the images…",
    "ct.uploaded": "Study uploaded: {description}, {slices} slices",
    "ct.uploadFailed": "Upload failed: {reason}",
    "ct.error.not-dicom": "This is not a DICOM file. Upload a DICOM file, or a zip of one series' DICOM files.",
    "ct.error.truncated-dicom": "The DICOM file is incomplete (the transfer may have been cut). Export it again and upload.",
    "ct.error.no-pixel-data": "The file holds no image (it may be a report or a directory file).",
    "ct.error.not-ct": "Only CT images are supported; this file is another modality.",
    "ct.error.mixed-series": "The zip holds several series; upload one series at a time.",
    "ct.error.inconsistent-series": "The slices differ in orientation or size and cannot form one volume.",
    "ct.error.unsupported-transfer-syntax": "This DICOM compression is not supported; export uncompressed and upload again.",
    "ct.error.empty-study": "No images were found in the upload.",
    "ct.error.unsafe-archive": "The zip was refused as unsafe (odd paths or sizes).",
    "ct.error.payload-too-large": "The file is larger than the server accepts; upload only the series you need.",
    "ct.error.not-permitted": "Your role may not upload studies.",
    "ct.error.token-expired": "Your consultation link has expired; rejoin with a new link.",
    "ct.error.network-error": "The network dropped and the upload did not finish. Check it and try again.",
    "ct.error.other": "The server refused ({code}): {message}",
    "ct.error.viewChanged": "The view changed before the measurement was saved; measure again.",
    "ct.error.lostControl": "You no longer present the images; measurements not yet sent were dropped.",
    "ct.error.offline": "The connection to the server dropped; the view syncs again once it is back.",
    "ct.error.refused": "That did not work: {reason}",
    "ct.measure.pending": "Measuring…",
    "ct.measure.length": "{mm} mm",
    "ct.measure.mean": "Mean {mean} HU  SD {sd}",
    "ct.measure.range": "Range {min} to {max} HU",
    "ct.measure.area": "Area {area} mm²",

    "rec.recording": "Recording",
    "rec.start": "Start recording",
    "rec.stop": "Stop recording",
    "rec.startNeedsConsent": "Start recording (the patient's consent must be recorded first)",
    "rec.startNeedsCaseConsent": "Start recording (the patient's consent to recording must be in the case file first)",
    "rec.recordConsent": "Record patient consent",
    "rec.consentGiven": "Patient consented",
    "rec.consentHint": "Click once the patient has agreed to the consultation being recorded",
    "rec.consentWithdrawHint": "Click if the patient withdraws consent",
    "rec.error.recording-consent-missing": "The patient's consent to recording is not recorded yet: the referring doctor records it first.",
    "rec.error.not-permitted": "Only the coordinator and the referring doctor control recording.",
    "rec.error.recording-not-started": "Recording could not start (it may be running already).",
    "rec.error.not-recording": "The consultation is not being recorded.",
    "rec.error.not-connected": "Not connected to the server; try again shortly.",
    "rec.error.timeout": "The server did not answer in time; try again.",
    "rec.error.other": "The recording action did not finish: {reason}",
  },
};

function format(template, params) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** The strings of the call and review pages plus each of `extra` (a page family's own
 * `{ "zh-CN": {...}, en: {...} }`); a key defined twice is a mistake `missingKeys` names. */
function merged(extra) {
  const strings = Object.fromEntries(LANGUAGES.map((lang) => [lang, { ...STRINGS[lang] }]));
  for (const dictionary of extra) {
    for (const lang of LANGUAGES) Object.assign(strings[lang], dictionary[lang] ?? {});
  }
  return strings;
}

export class I18n extends Emitter {
  #lang;
  #storage;
  #strings;
  #params = new WeakMap();

  constructor(storage, extra = []) {
    super();
    this.#storage = storage;
    this.#strings = merged(extra);
    const saved = safely(() => storage.getItem(STORAGE_KEY));
    this.#lang = LANGUAGES.includes(saved) ? saved : LANGUAGES[0];
    document.documentElement.lang = this.#lang;
  }

  get lang() {
    return this.#lang;
  }

  /** The string `key` in the current language, `{name}` placeholders filled from `params`. */
  t(key, params = {}) {
    const template = this.#strings[this.#lang][key] ?? this.#strings[LANGUAGES[0]][key];
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

  /** Both languages define exactly the same keys, and no key of `extra` redefines
   * another's (checked by the browser tests). */
  static missingKeys(extra = []) {
    const [first, ...rest] = LANGUAGES;
    const strings = merged(extra);
    const keys = new Set(Object.keys(strings[first]));
    const missing = [];
    const seen = new Set(Object.keys(STRINGS[first]));
    for (const dictionary of extra) {
      for (const key of Object.keys(dictionary[first] ?? {})) {
        if (seen.has(key)) missing.push(`twice:${key}`);
        seen.add(key);
      }
    }
    for (const lang of rest) {
      const other = new Set(Object.keys(strings[lang]));
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
