/** A response with a status the caller did not expect, with Gitea's own message. */
export class GiteaApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path}: ${status} ${body.slice(0, 500)}`);
    this.name = "GiteaApiError";
  }
}
