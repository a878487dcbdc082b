import { ZakenakError } from "../../errors.js";
import { createHostApi, type HostApi, type HostRequest } from "../shared/create-host-api.js";
import { hostError } from "../shared/host-error.js";

export interface AzureDevOpsRequest extends HostRequest {
  /** Appended to the api-version, e.g. `-preview.1` for the resources still in preview. */
  preview?: string;
}

/** Azure DevOps' REST API over fetch, always under the configured collection URL. */
export type AzureDevOpsApi = HostApi<AzureDevOpsRequest>;

/**
 * `url` is the configured collection URL. Every request goes below it: paths are relative and built from
 * escaped names, and a resolved URL outside it is refused before the token is attached. Nothing a webhook
 * carries (its `url`, `remoteUrl` or `baseUrl` fields) is ever used as an address.
 */
export function createAzureDevOpsApi(url: string, token: string, apiVersion: string): AzureDevOpsApi {
  const basic = Buffer.from(`:${token}`, "utf8").toString("base64");
  return createHostApi<AzureDevOpsRequest>({
    baseUrl: url,
    authorization: `Basic ${basic}`,
    secrets: [token, basic],
    prepare: ({ call, target, request, base }) => {
      if (!target.href.startsWith(base)) {
        throw new ZakenakError("invalid", `Azure DevOps ${call.call}: refused a path outside the collection`);
      }
      target.searchParams.set("api-version", `${apiVersion}${request?.preview ?? ""}`);
      return undefined;
    },
    inspect: (call, response) => {
      // A token Azure DevOps does not accept gets 203 and a sign-in page, not a 401.
      if (response.status === 203) {
        throw hostError(call, {
          status: 401,
          detail: "the token was not accepted (HTTP 203, a sign-in page)",
        });
      }
    },
  });
}
