/** Hash addresses (`/#/cases/abc`) to routes of `routes.js`, segment by segment. */

/** The route matching `path` and its parameters, or null. */
export function match(routes, path) {
  const segments = split(path);
  for (const route of routes) {
    const pattern = split(route.pattern);
    if (pattern.length !== segments.length) continue;
    const params = {};
    const matched = pattern.every((part, i) => {
      if (part.startsWith(":")) {
        params[part.slice(1)] = decodeURIComponent(segments[i]);
        return true;
      }
      return part === segments[i];
    });
    if (matched) return { route, params };
  }
  return null;
}

/** The path in the address bar's fragment: `#/cases/abc` → `/cases/abc`. */
export function currentPath(location) {
  const path = location.hash.replace(/^#/, "");
  return path.startsWith("/") ? path : "/";
}

function split(path) {
  return path.split("?")[0].split("/").filter(Boolean);
}
