/**
 * Building DOM elements without a framework and without innerHTML.
 *
 * `h("button", {class: "btn", "data-testid": "x", onclick: fn}, child, ...)`:
 * `on*` keys become event listeners, keys containing "-" (data-*, aria-*) and
 * `role`/`for`/`type` become attributes, `class` becomes className, anything else is
 * set as a property. Children may be nodes, strings, numbers, arrays or null.
 */

const ATTRIBUTES = new Set(["role", "for", "type", "title", "placeholder", "autocomplete"]);

export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") element.className = value;
    else if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2), value);
    } else if (key.includes("-") || ATTRIBUTES.has(key)) {
      element.setAttribute(key, value === true ? "" : String(value));
    } else element[key] = value;
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** Toggles a boolean `data-*` attribute as the strings "true"/"false" (tests read them). */
export function setFlag(element, name, value) {
  element.setAttribute(`data-${name}`, value ? "true" : "false");
}
