import { createHostApi, type HostApi, type HostRequest } from "../shared/create-host-api.js";
import type { HostCall } from "../shared/host-error.js";

/** One page of a paged Bitbucket Server answer. */
export interface BitbucketServerPage<T> {
  values: T[];
  isLastPage: boolean;
  nextPageStart?: number | null;
}

/**
 * Bitbucket Server / Data Center's REST API (`/rest/api/latest`) over fetch, with an HTTP access token as
 * `Authorization: Bearer`; failures become host errors with the token redacted.
 */
export interface BitbucketServerApi extends HostApi {
  /** The instance URL with its context path, for links into Bitbucket's pages. */
  readonly instance: string;
  /** The first value of a paged listing `found` accepts, reading page after page until one holds it. */
  find<T>(
    call: HostCall,
    path: string,
    found: (value: T) => boolean,
    query?: HostRequest["query"],
  ): Promise<T | undefined>;
}

/** The instance URL, its context path kept; a trailing `/rest/api/1.0` or `/rest/api/latest` is dropped. */
function instanceUrl(url: string): string {
  return url.replace(/\/+$/, "").replace(/\/rest\/api\/(1\.0|latest)$/, "");
}

/** Bitbucket answers `{errors: [{message}]}`; the messages say more than the status alone. */
function messageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { errors?: { message?: unknown }[] };
    const messages = (parsed.errors ?? []).map((e) => e.message).filter((m) => typeof m === "string");
    if (messages.length > 0) return messages.join("; ");
  } catch {}
  return text;
}

// Bitbucket's largest page; fewer round trips when a listing is long.
const PAGE_SIZE = 100;

export function createBitbucketServerApi(url: string, token: string): BitbucketServerApi {
  const instance = instanceUrl(url);
  const api = createHostApi({
    baseUrl: `${instance}/rest/api/latest/`,
    authorization: `Bearer ${token}`,
    secrets: [token],
    messageOf,
    // Bitbucket's XSRF check refuses writes without it, even with a token.
    prepare: ({ request }) =>
      (request?.method ?? "GET") === "GET" ? undefined : { "X-Atlassian-Token": "no-check" },
  });

  return {
    ...api,
    instance,
    async find<T>(
      call: HostCall,
      path: string,
      found: (value: T) => boolean,
      query: HostRequest["query"] = {},
    ) {
      for (let start: number | null | undefined = 0; typeof start === "number"; ) {
        const page: BitbucketServerPage<T> = await api.json<BitbucketServerPage<T>>(call, path, {
          query: { ...query, start, limit: PAGE_SIZE },
        });
        const hit = page.values.find(found);
        if (hit !== undefined) return hit;
        start = page.isLastPage ? undefined : page.nextPageStart;
      }
      return undefined;
    },
  };
}
