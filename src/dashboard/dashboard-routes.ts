import express, { type NextFunction, type Request, type Response, Router } from "express";
import type { Logger } from "pino";
import type { HostSettings } from "../hosts/host-registry.js";
import { auditBody } from "./audit-page.js";
import { type Viewer, viewerOf } from "./dashboard-auth.js";
import { DASHBOARD_CSS, DASHBOARD_ICON } from "./dashboard-css.js";
import {
  type DashboardSources,
  loadAudit,
  loadEnvironments,
  loadQueue,
  loadRevisions,
} from "./dashboard-data.js";
import { createSession, SESSION_TTL_MS, sessionCookie, tokenMatches } from "./dashboard-session.js";
import type { DashboardSettings } from "./dashboard-settings.js";
import { environmentsBody } from "./environments-page.js";
import { hostLinks } from "./host-links.js";
import { type Html, html } from "./html.js";
import { layout } from "./layout.js";
import { queueBody } from "./queue-page.js";
import { revisionsBody } from "./revisions-page.js";
import { signInPage } from "./sign-in-page.js";

export interface DashboardDeps {
  settings: DashboardSettings;
  sources: DashboardSources;
  hosts: HostSettings;
  logger: Logger;
}

/** No script, no frames, no third parties: the pages need only their own style sheet and forms. */
export const DASHBOARD_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function secureHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    "Content-Security-Policy": DASHBOARD_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
  });
  next();
}

const wantsHtml = (req: Request) => req.accepts(["json", "html"]) === "html";

/**
 * The read-only dashboard under /dashboard: environments, revisions with diffs, the queue and the audit
 * log, as server-rendered HTML. Every page but the sign-in form and the style sheet needs a viewer.
 */
export function dashboardRoutes(deps: DashboardDeps): Router {
  const { settings, sources, logger } = deps;
  const links = hostLinks(deps.hosts);
  const router = Router();
  router.use("/dashboard", secureHeaders);

  router.get("/dashboard/style.css", (_req, res) => {
    res.type("text/css").set("Cache-Control", "public, max-age=3600").send(DASHBOARD_CSS);
  });

  // Named by every page, so the browser does not ask for /favicon.ico outside the dashboard.
  router.get("/dashboard/icon.svg", (_req, res) => {
    res.type("image/svg+xml").set("Cache-Control", "public, max-age=3600").send(DASHBOARD_ICON);
  });

  const tokenAccepted = settings.token !== undefined;
  const form = express.urlencoded({ extended: false, limit: "4kb" });
  router.post("/dashboard/login", form, (req, res) => {
    const token = settings.token;
    const body = req.body as Record<string, unknown> | undefined;
    const presented = typeof body?.token === "string" ? body.token : "";
    if (token === undefined || !tokenMatches(presented, token)) {
      logger.warn({ ip: req.ip }, "dashboard sign-in refused");
      res
        .status(401)
        .type("html")
        .send(signInPage({ tokenAccepted, error: "That token is not accepted." }));
      return;
    }
    res.set("Set-Cookie", sessionCookie(createSession(token), req.secure, SESSION_TTL_MS / 1000));
    res.redirect(303, "/dashboard");
  });
  router.post("/dashboard/logout", (req, res) => {
    res.set("Set-Cookie", sessionCookie("", req.secure, 0));
    res.redirect(303, "/dashboard");
  });

  const viewers = new WeakMap<Request, Viewer>();
  router.use("/dashboard", (req, res, next) => {
    const viewer = viewerOf(req, settings);
    if (viewer) {
      viewers.set(req, viewer);
      next();
      return;
    }
    res.set("WWW-Authenticate", 'Bearer realm="zakenak dashboard"');
    if (wantsHtml(req)) res.status(401).type("html").send(signInPage({ tokenAccepted }));
    else res.status(401).json({ error: "dashboard: sign in, or send Authorization: Bearer <token>" });
  });

  const page = (title: string, body: Parameters<typeof layout>[1], req: Request, res: Response) =>
    res.type("html").send(layout(title, body, { signOut: viewers.get(req)?.via === "session" }));

  router.get("/dashboard", async (req, res, next) => {
    try {
      const rows = await loadEnvironments(sources);
      page(
        "Environments",
        environmentsBody(rows, (row) => links(row.host)),
        req,
        res,
      );
    } catch (err) {
      next(err);
    }
  });
  router.get("/dashboard/environments/:name", async (req, res, next) => {
    try {
      const environment = req.params.name as string;
      const compare = comparison(req);
      const rows = await loadEnvironments(sources);
      const row = rows.find((r) => r.environment === environment);
      const data = await loadRevisions(sources, environment, compare);
      const body = revisionsBody({
        environment,
        ...(row?.repository ? { repository: row.repository } : {}),
        links: links(row?.host),
        revisions: data.revisions,
        ...(compare && data.diff ? { compare: { ...compare, diff: data.diff } } : {}),
      });
      page(`Environment ${environment}`, body, req, res);
    } catch (err) {
      next(err);
    }
  });
  router.get("/dashboard/queue", async (req, res, next) => {
    try {
      page("Queue", queueBody(await loadQueue(sources)), req, res);
    } catch (err) {
      next(err);
    }
  });
  router.get("/dashboard/audit", async (req, res, next) => {
    try {
      page(
        "Audit log",
        auditBody(await loadAudit(sources), (e) => links(e.host)),
        req,
        res,
      );
    } catch (err) {
      next(err);
    }
  });
  router.use("/dashboard", (req, res) => {
    res
      .status(404)
      .type("html")
      .send(layout("Not found", htmlNotFound(req.path), { signOut: false }));
  });
  router.use(
    "/dashboard",
    (err: Error & { code?: string; status?: number }, req: Request, res: Response, _next: NextFunction) => {
      const missing = err.code === "revision-missing";
      // A body the sign-in form cannot read (too large, malformed) is the client's fault, not ours.
      const clientError = typeof err.status === "number" && err.status >= 400 && err.status < 500;
      const status = missing ? 404 : clientError ? (err.status as number) : 500;
      if (status === 500) logger.error({ path: req.path, cause: err.message }, "dashboard page failed");
      const title = missing ? "Not found" : clientError ? "Bad request" : "Error";
      res
        .status(status)
        .type("html")
        .send(layout(title, errorBody(err, missing), { signOut: false }));
    },
  );
  return router;
}

/** `?from=&to=` as two revision numbers, or undefined when the page is opened without a comparison. */
function comparison(req: Request): { from: number; to: number } | undefined {
  const from = String(req.query.from ?? "");
  const to = String(req.query.to ?? "");
  if (!/^\d{1,9}$/.test(from) || !/^\d{1,9}$/.test(to)) return undefined;
  return { from: Number(from), to: Number(to) };
}

function htmlNotFound(path: string): Html {
  return html`<p>Nothing at <code>/dashboard${path}</code>. <a href="/dashboard">Environments</a></p>`;
}

/** A missing revision names itself; anything else stays in the server log, not on the page. */
function errorBody(err: Error, missing: boolean): Html {
  return missing
    ? html`<p>${err.message}</p>`
    : html`<p>The page could not be built; the server log says why.</p>`;
}
