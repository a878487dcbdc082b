import type { Request } from "express";

/** The request's bytes exactly as received (`express.raw` ran first); empty when there was no body. */
export function rawBody(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}
