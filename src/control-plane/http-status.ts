import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export interface HttpStatusOptions {
  ca?: string | Buffer;
  token?: string;
  timeoutMs?: number;
}

/** The status code of a GET, or undefined when nothing answers (yet). */
export function httpStatus(
  url: string,
  { ca, token, timeoutMs = 2_000 }: HttpStatusOptions = {},
): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = url.startsWith("https:") ? httpsRequest : httpRequest;
    const req = request(url, {
      method: "GET",
      ca,
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      timeout: timeoutMs,
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(undefined));
    req.end();
  });
}
