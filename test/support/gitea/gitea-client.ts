import { GiteaApiError } from "./gitea-api-error.js";

/** Raw calls to a test Gitea's REST API, as the owner of `token`. */
export class GiteaClient {
  readonly url: string;
  readonly token: string;

  constructor(url: string, token: string) {
    this.url = url.endsWith("/") ? url : `${url}/`;
    this.token = token;
  }

  /** A raw API call; path is relative to /api/v1/. Throws GiteaApiError unless the status is in `expect`. */
  async request(
    method: string,
    path: string,
    { body, expect = [200, 201, 204], auth }: { body?: unknown; expect?: number[]; auth?: string } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {
      Authorization: auth ?? `token ${this.token}`,
      Accept: "application/json",
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(new URL(`api/v1/${path}`, this.url), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!expect.includes(response.status)) {
      throw new GiteaApiError(method, path, response.status, await response.text());
    }
    return response;
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.request(method, path, { body });
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async version(): Promise<string> {
    return (await this.json<{ version: string }>("GET", "version")).version;
  }
}
