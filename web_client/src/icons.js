/**
 * The application's line icons, drawn here on a 24×24 grid (stroke, currentColor).
 * Each icon is a list of SVG path strings; `icon(name)` builds the element.
 */

const SVG_NS = "http://www.w3.org/2000/svg";

function circle(cx, cy, r) {
  return `M${cx - r} ${cy}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`;
}

const MIC = ["M9 6a3 3 0 0 1 6 0v5a3 3 0 0 1-6 0z", "M5.5 11a6.5 6.5 0 0 0 13 0", "M12 17.5V21"];
const CAMERA = ["M3 8a2 2 0 0 1 2-2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z", "M15 10.5l6-3.5v10l-6-3.5"];
const SLASH = "M3.5 3.5l17 17";

const PATHS = {
  mic: MIC,
  "mic-off": [...MIC, SLASH],
  camera: CAMERA,
  "camera-off": [...CAMERA, SLASH],
  screen: ["M3 6a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z", "M8.5 20.5h7", "M12 17v3.5", "M12 13.5V8", "M9.5 10.5L12 8l2.5 2.5"],
  "screen-stop": ["M3 6a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z", "M8.5 20.5h7", "M12 17v3.5", "M9.5 8l5 5", "M14.5 8l-5 5"],
  chat: ["M5 4h14a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2h-8.5L6 20.5V17H5a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z", "M8 9h8", "M8 12.5h5"],
  users: [circle(9, 8, 3.2), "M3 19.5c.4-3.2 2.9-5.2 6-5.2s5.6 2 6 5.2", circle(17, 9, 2.4), "M16.5 14.3c2.4.1 4.2 1.8 4.5 4.2"],
  leave: ["M3.2 14.2c4.8-4.4 12.8-4.4 17.6 0l-1.9 2.9-3.6-1.2v-2.3a11 11 0 0 0-6.6 0v2.3L5.1 17.1z"],
  globe: [circle(12, 12, 9), "M12 3c2.6 2.5 3.8 5.5 3.8 9s-1.2 6.5-3.8 9", "M12 3C9.4 5.5 8.2 8.5 8.2 12s1.2 6.5 3.8 9", "M3.5 9h17", "M3.5 15h17"],
  alert: ["M12 3.5l9.5 16.5h-19z", "M12 10v4.5", "M12 17.2v.3"],
  check: ["M5 12.5l4.5 4.5L19 7.5"],
  refresh: ["M19.5 12a7.5 7.5 0 1 1-2.2-5.3", "M19.5 4.5v4h-4"],
  clock: [circle(12, 12, 9), "M12 7v5l3.2 2"],
  bell: ["M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 2h-15z", "M10 20.5a2 2 0 0 0 4 0"],
  link: ["M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1", "M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1"],
  send: ["M4 11.5L20 4l-6.5 16-2.3-6.2z", "M11.2 13.8L20 4"],
  close: ["M6 6l12 12", "M18 6L6 18"],
  windows: ["M3 7a2 2 0 0 1 2-2h10a2 2 0 0 1 2 2v7a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z", "M7 19h12a2 2 0 0 0 2-2V9"],
  logo: ["M12 2.8l7.5 2.9v5.9c0 4.7-3.1 8.1-7.5 9.6-4.4-1.5-7.5-4.9-7.5-9.6V5.7z", "M12 8.2v7", "M8.5 11.7h7"],
  wifi: ["M2.5 9a14 14 0 0 1 19 0", "M5.8 12.5a9.5 9.5 0 0 1 12.4 0", "M9 16a4.8 4.8 0 0 1 6 0", "M12 19.5v.2"],
  speaker: ["M4 9.5h3.5L12 5.5v13l-4.5-4H4z", "M15.5 9a4 4 0 0 1 0 6", "M18 6.5a7.5 7.5 0 0 1 0 11"],
  "hospital": ["M4 21V7l8-4 8 4v14", "M2.5 21h19", "M12 8v5", "M9.5 10.5h5", "M9.5 21v-4h5v4"],
};

/** An SVG icon element; decorative (aria-hidden) unless `label` is given. */
export function icon(name, { label = null, className = "icon" } = {}) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", `${className} ${className}--${name}`);
  svg.setAttribute("fill", "none");
  svg.setAttribute("stroke", "currentColor");
  svg.setAttribute("stroke-width", "1.8");
  svg.setAttribute("stroke-linecap", "round");
  svg.setAttribute("stroke-linejoin", "round");
  if (label) {
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", label);
  } else svg.setAttribute("aria-hidden", "true");
  for (const d of PATHS[name] ?? PATHS.alert) {
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}
