/** The server's REST API, as far as the join page needs it. */

export class ApiError extends Error {
  constructor(code, message, status) {
    super(message);
    this.name = "ApiError";
    /** The server's error code (`token-expired`, …) or `network-error`. */
    this.code = code;
    this.status = status;
  }
}

export class Api {
  #origin;

  constructor(origin) {
    this.#origin = origin;
  }

  /** Who the token says the caller is: `{consultation_id, participant_id, display_name, role, institution, expires_at_s}`. */
  async me(token) {
    return this.#get("/api/me", { Authorization: `Bearer ${token}` });
  }

  /** One round trip to `/healthz`, in milliseconds. */
  async pingMs() {
    const started = performance.now();
    await this.#get(`/healthz?t=${Date.now()}`, {});
    return performance.now() - started;
  }

  async #get(path, headers) {
    let response;
    try {
      response = await fetch(new URL(path, this.#origin), { headers, cache: "no-store" });
    } catch (error) {
      throw new ApiError("network-error", String(error?.message ?? error), 0);
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const error = body?.error ?? {};
      throw new ApiError(error.code ?? `http-${response.status}`, error.message ?? response.statusText, response.status);
    }
    return body;
  }
}
