/**
 * The names behind the ids of a case: institutions (everyone may list them) and the
 * experts of one institution (name, title, specialty). Each list is fetched once per
 * page and kept while the page is open.
 */

export class HospitalDirectory {
  #session;
  #institutions = null;
  #experts = new Map();

  constructor(session) {
    this.#session = session;
  }

  /** `Map` of institution id → `{id, name, level}`. */
  institutions() {
    this.#institutions ??= this.#session
      .request("GET", "/api/institutions")
      .then((body) => new Map(body.institutions.map((i) => [i.id, i])))
      .catch((error) => {
        this.#institutions = null; // the next call asks again
        throw error;
      });
    return this.#institutions;
  }

  /** The experts of `institutionId`, as the directory lists them: `[{id, real_name, title, specialty}]`. */
  experts(institutionId) {
    if (!this.#experts.has(institutionId)) {
      const path = `/api/institutions/${encodeURIComponent(institutionId)}/experts`;
      this.#experts.set(
        institutionId,
        this.#session
          .request("GET", path)
          .then((body) => body.experts)
          .catch((error) => {
            this.#experts.delete(institutionId);
            throw error;
          }),
      );
    }
    return this.#experts.get(institutionId);
  }

  async institutionName(id) {
    return (await this.institutions()).get(id)?.name ?? id;
  }

  /** Names of `ids` among the experts of `institutionId`; an unknown id stays an id. */
  async expertNames(institutionId, ids) {
    const experts = new Map((await this.experts(institutionId)).map((e) => [e.id, e]));
    return ids.map((id) => experts.get(id)?.real_name ?? id);
  }
}
