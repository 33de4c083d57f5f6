/**
 * Line icons of the CT pane, the recording controls and the review page, drawn like
 * `icons.js` (24×24 grid, stroke, currentColor); `ctIcon(name)` builds the element.
 */

const SVG_NS = "http://www.w3.org/2000/svg";

function circle(cx, cy, r) {
  return `M${cx - r} ${cy}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`;
}

const PATHS = {
  scan: [circle(12, 12, 8.5), circle(12, 12, 4.5), "M12 3.5v3", "M12 17.5v3", "M3.5 12h3", "M17.5 12h3"],
  upload: ["M12 15.5V4.5", "M7.5 9L12 4.5 16.5 9", "M4.5 15v3a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2v-3"],
  scroll: ["M5 9.5l7-4 7 4-7 4z", "M5 14l7 4 7-4", "M19.5 4.5v4", "M18 6l1.5-1.5L21 6"],
  contrast: [circle(12, 12, 8.5), "M12 3.5v17", "M12 7.5h4", "M12 11h6", "M12 14.5h5.5", "M12 18h3"],
  zoom: [circle(10.5, 10.5, 6), "M15 15l5.5 5.5", "M8 10.5h5", "M10.5 8v5"],
  pan: ["M12 3v18", "M3 12h18", "M9.5 5.5L12 3l2.5 2.5", "M9.5 18.5L12 21l2.5-2.5", "M5.5 9.5L3 12l2.5 2.5", "M18.5 9.5L21 12l-2.5 2.5"],
  pointer: ["M5 3.5l5.5 15.5 2.3-6.2 6.2-2.3z", "M13 13l6 6"],
  ruler: ["M3.5 16.5L16.5 3.5l4 4-13 13z", "M7 13l2 2", "M10 10l2 2", "M13 7l2 2"],
  rectangle: ["M4.5 6.5h15v11h-15z", "M8 12h8"],
  ellipse: ["M3.5 12a8.5 5.8 0 1 0 17 0a8.5 5.8 0 1 0 -17 0", "M9 12h6"],
  reset: ["M4.5 12a7.5 7.5 0 1 0 2.2-5.3", "M4.5 4.5v4h4"],
  play: ["M7.5 5v14l11.5-7z"],
  pause: ["M8 5.5v13", "M16 5.5v13"],
  record: [circle(12, 12, 8.5), circle(12, 12, 3.5)],
  stop: ["M6.5 6.5h11v11h-11z"],
  eye: ["M2.5 12s3.5-6.5 9.5-6.5 9.5 6.5 9.5 6.5-3.5 6.5-9.5 6.5S2.5 12 2.5 12z", circle(12, 12, 2.8)],
  hand: ["M8 13V6.5a1.5 1.5 0 0 1 3 0V11", "M11 10V4.5a1.5 1.5 0 0 1 3 0V11", "M14 10.5V6a1.5 1.5 0 0 1 3 0v7.5a7 7 0 0 1-7 7h-.5a6 6 0 0 1-4.8-2.4L3.6 15.3a1.6 1.6 0 0 1 2.4-2.1L8 15"],
  crown: ["M4 18h16", "M4.5 15.5L3 7l5 4 4-6 4 6 5-4-1.5 8.5z"],
  film: ["M4 5h16v14H4z", "M8 5v14", "M16 5v14", "M4 9h4", "M4 15h4", "M16 9h4", "M16 15h4"],
  check: ["M5 12.5l4.5 4.5L19 7.5"],
  shield: ["M12 2.8l7.5 2.9v5.9c0 4.7-3.1 8.1-7.5 9.6-4.4-1.5-7.5-4.9-7.5-9.6V5.7z", "M8.8 12l2.2 2.2 4.2-4.4"],
  arrowLeft: ["M19 12H5", "M11 6l-6 6 6 6"],
};

/** An SVG icon element; decorative (aria-hidden). */
export function ctIcon(name, className = "icon") {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", `${className} ${className}--${name}`);
  svg.setAttribute("fill", "none");
  svg.setAttribute("stroke", "currentColor");
  svg.setAttribute("stroke-width", "1.8");
  svg.setAttribute("stroke-linecap", "round");
  svg.setAttribute("stroke-linejoin", "round");
  svg.setAttribute("aria-hidden", "true");
  for (const d of PATHS[name] ?? PATHS.scan) {
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}
