import { createHostApi, type HostApi } from "../shared/create-host-api.js";

/** Gitea's REST API (`/api/v1`) over fetch, with `Authorization: token <t>`; failures become host errors. */
export type GiteaApi = HostApi;

/** The API base for an instance URL given with or without `/api/v1`. */
export function giteaApiBase(url: string): string {
  return `${url.replace(/\/+$/, "").replace(/\/api\/v1$/, "")}/api/v1/`;
}

export function createGiteaApi(url: string, token: string): GiteaApi {
  // Gitea's error bodies are `{"message": …}`, which the shared client reads by default.
  return createHostApi({ baseUrl: giteaApiBase(url), authorization: `token ${token}`, secrets: [token] });
}
