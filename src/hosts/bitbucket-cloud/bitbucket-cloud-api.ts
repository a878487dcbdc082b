import { ZakenakError } from "../../errors.js";
import { createHostApi, type HostApi, type HostRequest } from "../shared/create-host-api.js";
import { describeCall, type HostCall } from "../shared/host-error.js";
import type { BitbucketCloudAuth } from "./bitbucket-cloud-env.js";

/** One page of a Bitbucket list: `next` is the absolute URL of the following page, absent on the last. */
export interface BitbucketPage<T> {
  values: T[];
  next?: string;
}

/** Bitbucket Cloud's REST API 2.0 over fetch; failures become host errors with the credentials redacted. */
export interface BitbucketCloudApi extends HostApi {
  /** The response of a URL outside the API (the archive download), authenticated the same way. */
  download(call: HostCall, url: string): Promise<Response>;
  /** Every page of a list, one at a time, so a search can stop early. */
  pages<T>(call: HostCall, path: string, query?: HostRequest["query"]): AsyncIterable<T[]>;
}

/** An access token goes as Bearer; an API token goes with the account's email as Basic. */
function authorization(auth: BitbucketCloudAuth): string {
  if (auth.kind === "access-token") return `Bearer ${auth.token}`;
  return `Basic ${Buffer.from(`${auth.email}:${auth.token}`).toString("base64")}`;
}

/** Bitbucket's own message: `{"error": {"message": …}}`, else the text as it came. */
function messageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown; detail?: unknown } };
    const { message, detail } = parsed.error ?? {};
    if (typeof message === "string") return typeof detail === "string" ? `${message}: ${detail}` : message;
  } catch {}
  return text;
}

export function createBitbucketCloudApi(apiUrl: string, auth: BitbucketCloudAuth): BitbucketCloudApi {
  const header = authorization(auth);
  const api = createHostApi({
    baseUrl: apiUrl,
    authorization: header,
    // The Basic form encodes the token: it is as secret as the token itself.
    secrets: [auth.token, header.replace(/^\w+ /, "")],
    messageOf,
  });

  return {
    ...api,
    download: (call, url) => api.response(call, new URL(url)),
    async *pages<T>(call: HostCall, path: string, query: HostRequest["query"] = {}) {
      let target: string | URL = path;
      let request: HostRequest = { query };
      while (true) {
        const page: BitbucketPage<T> = await api.json<BitbucketPage<T>>(call, target, request);
        yield page.values ?? [];
        if (!page.next) return;
        // The credentials go along with every page: only to the API itself.
        const next: URL = new URL(page.next);
        if (!next.href.startsWith(api.base)) {
          throw new ZakenakError("host-error", `${describeCall(call)}: the next page is outside the API`);
        }
        target = next;
        request = {};
      }
    },
  };
}
