/**
 * A logged-in account's session: the short-lived access token (kept in memory only),
 * the refresh token that renews it (kept in this tab's sessionStorage, so a reload
 * stays logged in and closing the tab ends it), and every request of the desk.
 *
 * Refresh tokens are single-use (a replayed one revokes the login): one refresh runs
 * at a time, and each stores the token it received before anything else can read it.
 */

import { ApiError } from "./api.js";
import { Emitter } from "./emitter.js";

const REFRESH_KEY = "mdt.desk.refresh";
/** Renew this long before the access token expires, so no request races its expiry. */
const RENEW_MARGIN_MS = 30_000;

export class Session extends Emitter {
  #origin;
  #storage;
  #access = null;
  #accessExpiresAtMs = 0;
  #refreshing = null;
  #me = null;

  constructor(origin, storage) {
    super();
    this.#origin = origin;
    this.#storage = storage;
  }

  /** The account (`GET /api/me/account`'s `account`), or null when logged out. */
  get account() {
    return this.#me?.account ?? null;
  }

  get institution() {
    return this.#me?.institution ?? null;
  }

  /** Whether the account's role may ever do `action` (a case may still be out of reach). */
  allowed(action) {
    return this.#me?.allowed_actions.includes(action) ?? false;
  }

  /** Logs in; throws `ApiError` (invalid-credentials, account-locked, …). */
  async logIn(login, password) {
    const tokens = await this.#send("POST", "/api/auth/login", { json: { login, password } });
    this.#keep(tokens);
    await this.#loadMe();
  }

  /** Resumes the login this tab had before a reload; false when there is none. */
  async restore() {
    if (!this.#stored()) return false;
    try {
      await this.#renew();
      await this.#loadMe();
      return true;
    } catch (error) {
      if (!(error instanceof ApiError) || error.code === "network-error") throw error;
      this.#forget();
      return false;
    }
  }

  async logOut() {
    const refreshToken = this.#stored();
    this.#forget();
    if (refreshToken) {
      await this.#send("POST", "/api/auth/logout", { json: { refresh_token: refreshToken } }).catch(() => {});
    }
  }

  /** A valid access token (renewed first if it is about to expire), e.g. for the socket. */
  async accessToken() {
    if (!this.#access || Date.now() > this.#accessExpiresAtMs - RENEW_MARGIN_MS) await this.#renew();
    return this.#access;
  }

  /** A JSON request with the access token; the reply's JSON, or null for 204. */
  async request(method, path, { json, body } = {}) {
    const response = await this.#authorized(method, path, { json, body });
    return response.status === 204 ? null : response.json();
  }

  /** A file the API serves (PDF, FHIR JSON, attachment), as a Blob. */
  async download(path) {
    const response = await this.#authorized("GET", path, {});
    return response.blob();
  }

  async #authorized(method, path, options) {
    const attempt = async () => this.#fetch(method, path, { ...options, token: await this.accessToken() });
    let response = await attempt();
    if (response.status === 401) {
      // The token expired between the check and the server (a suspended laptop): once more.
      const error = await errorOf(response);
      if (error.code !== "token-expired") throw this.#ended(error);
      this.#access = null;
      response = await attempt();
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  async #renew() {
    this.#refreshing ??= (async () => {
      const refreshToken = this.#stored();
      if (!refreshToken) throw this.#ended(new ApiError("token-missing", "", 401));
      try {
        this.#keep(await this.#send("POST", "/api/auth/refresh", { json: { refresh_token: refreshToken } }));
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) throw this.#ended(error);
        throw error;
      }
    })().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #loadMe() {
    this.#me = await this.request("GET", "/api/me/account");
  }

  #keep(tokens) {
    this.#access = tokens.access_token;
    this.#accessExpiresAtMs = Date.now() + tokens.expires_in * 1000;
    try {
      this.#storage.setItem(REFRESH_KEY, tokens.refresh_token);
    } catch {
      // Storage refused (private mode): the login lasts until the page is reloaded.
    }
  }

  #stored() {
    try {
      return this.#storage.getItem(REFRESH_KEY);
    } catch {
      return null;
    }
  }

  #forget() {
    this.#access = null;
    this.#me = null;
    try {
      this.#storage.removeItem(REFRESH_KEY);
    } catch {
      // Nothing was stored.
    }
  }

  /** The login is over (refresh refused, account disabled): say so once, return `error`. */
  #ended(error) {
    const wasIn = this.#me !== null;
    this.#forget();
    if (wasIn) this.emit("ended", error);
    return error;
  }

  async #send(method, path, options) {
    const response = await this.#fetch(method, path, options);
    if (!response.ok) throw await errorOf(response);
    return response.json();
  }

  async #fetch(method, path, { json, body, token }) {
    const headers = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (json !== undefined) headers["Content-Type"] = "application/json";
    try {
      return await fetch(new URL(path, this.#origin), {
        method,
        headers,
        body: json !== undefined ? JSON.stringify(json) : body,
        cache: "no-store",
      });
    } catch (error) {
      throw new ApiError("network-error", String(error?.message ?? error), 0);
    }
  }
}

async function errorOf(response) {
  const body = await response.json().catch(() => null);
  const error = body?.error ?? {};
  const failure = new ApiError(error.code ?? `http-${response.status}`, error.message ?? response.statusText, response.status);
  failure.field = error.field ?? null;
  failure.retryAfterS = Number(response.headers.get("Retry-After")) || null;
  return failure;
}
