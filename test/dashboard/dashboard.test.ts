import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASHBOARD_CSP } from "../../src/dashboard/dashboard-routes.js";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import { type RedisServerProcess, startRedisServer } from "../server/redis-server-process.js";
import { connectShared, uniqueName } from "../support/cluster-kit.js";
import {
  type DashboardServer,
  deployTwice,
  FAILED_REASON,
  fillQueue,
  REPOSITORY,
  recordRun,
  SHA_2,
  startDashboardServer,
} from "./dashboard-kit.js";

const CHROMIUM = "/usr/bin/chromium";
const TOKEN = "dashboard-token-7f3a9c";
// Planted in the Secrets of revisions 1 and 2: neither they nor their base64 may reach a page.
const SECRETS: [string, string] = ["s3cret-value-one-9d2e", "s3cret-value-two-4b7c"];
const FORBIDDEN = [...SECRETS, ...SECRETS.map((s) => Buffer.from(s).toString("base64")), TOKEN];

let redis: RedisServerProcess;
let kube: ConnectedKubeClient;
let server: DashboardServer;
let browser: Browser;
const environment = uniqueName("dash");
const shotDir = join(tmpdir(), `zakenak-dashboard-screenshots-${Date.now()}`);

beforeAll(async () => {
  redis = await startRedisServer();
  kube = await connectShared();
  const connection = new Redis(redis.url);
  await Promise.all([
    deployTwice(kube, environment, uniqueName("dash-ns"), SECRETS),
    fillQueue(redis.url, environment),
    recordRun(connection, environment),
  ]);
  await connection.quit();
  server = await startDashboardServer(redis.url, { ZAKENAK_DASHBOARD_TOKEN: TOKEN });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  await mkdir(shotDir, { recursive: true });
  console.log(`dashboard screenshots: ${shotDir}`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  kube?.close();
  await redis?.kill();
});

const bearer = { authorization: `Bearer ${TOKEN}` };

function expectNoSecret(text: string): void {
  for (const value of FORBIDDEN) expect(text).not.toContain(value);
}

describe("without credentials", () => {
  it("answers 401: JSON for scripts, the sign-in form for browsers", async () => {
    const script = await fetch(`${server.url}/dashboard/queue`);
    expect(script.status).toBe(401);
    expect(((await script.json()) as { error: string }).error).toContain("Authorization: Bearer");
    const wrong = await fetch(`${server.url}/dashboard`, { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    const browserLike = await fetch(`${server.url}/dashboard`, { headers: { accept: "text/html" } });
    expect(browserLike.status).toBe(401);
    expect(browserLike.headers.get("content-security-policy")).toBe(DASHBOARD_CSP);
    const page = await browserLike.text();
    expect(page).toContain('action="/dashboard/login"');
    expect(page).not.toContain(environment);
  });

  it("refuses a wrong token in the sign-in form without setting a cookie", async () => {
    const res = await fetch(`${server.url}/dashboard/login`, {
      method: "POST",
      body: new URLSearchParams({ token: "guess" }),
      redirect: "manual",
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(await res.text()).toContain("not accepted");
  });
});

describe("with the token as Bearer", () => {
  const get = async (path: string) => {
    const res = await fetch(`${server.url}${path}`, { headers: bearer });
    expect(res.status, path).toBe(200);
    expect(res.headers.get("content-security-policy")).toBe(DASHBOARD_CSP);
    const text = await res.text();
    expectNoSecret(text);
    return text;
  };

  it("lists the environment with its deployed commit, drift and a link to the commit", async () => {
    const text = await get("/dashboard");
    expect(text).toContain(environment);
    expect(text).toContain(REPOSITORY);
    expect(text).toContain(`https://git.example.test/${REPOSITORY}/commit/${SHA_2}`);
    expect(text).toContain("drifted");
    expect(text).toContain("bob");
  });

  it("shows the revisions and a masked diff between them", async () => {
    const list = await get(`/dashboard/environments/${environment}`);
    expect(list).toMatch(/<td>1<\/td>/);
    expect(list).toMatch(/<td>2<\/td>/);
    const diff = await get(`/dashboard/environments/${environment}?from=1&to=2`);
    expect(diff).toContain("Changes from revision 1 to 2");
    expect(diff).toContain('<span class="del">-  color: blue</span>');
    expect(diff).toContain('<span class="add">+  color: green</span>');
    expect(diff).toContain("*** (after)");
  });

  it("names a missing revision with 404", async () => {
    const res = await fetch(`${server.url}/dashboard/environments/${environment}?from=1&to=99`, {
      headers: bearer,
    });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain(`revision 99 of ${environment} does not exist`);
  });

  it("shows the queue with the failed job's reason and the waiting job", async () => {
    const text = await get("/dashboard/queue");
    expect(text).toContain(FAILED_REASON);
    expect(text).toMatch(/status bad">failed/);
    expect(text).toMatch(/status [a-z]*">waiting/);
  });

  it("shows the audit log with links to the pull request", async () => {
    const text = await get("/dashboard/audit");
    expect(text).toContain(`https://git.example.test/${REPOSITORY}/pulls/7`);
    expect(text).toContain("revision 2");
  });
});

describe("in Chromium", () => {
  const PAGES = [
    ["environments", "/dashboard"],
    ["revisions", `/dashboard/environments/${environment}?from=1&to=2`],
    ["queue", "/dashboard/queue"],
    ["audit", "/dashboard/audit"],
  ] as const;

  /** A page that records every console error (CSP violations are reported there) and page error. */
  async function watchedPage(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
    return { page, problems };
  }

  async function signIn(page: Page, problems: string[]): Promise<void> {
    const first = await page.goto(`${server.url}/dashboard`);
    expect(first?.status()).toBe(401);
    await page.fill('input[name="token"]', TOKEN);
    await Promise.all([page.waitForURL(`${server.url}/dashboard`), page.click('button[type="submit"]')]);
    // The sign-in page's own 401 is the one console message expected; anything else is a problem.
    expect(problems.filter((p) => !p.includes("status of 401"))).toEqual([]);
    problems.length = 0;
  }

  it("signs in with the form, shows every page under the CSP, and signs out", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const { page, problems } = await watchedPage(context);
      await signIn(page, problems);
      const [cookie] = await context.cookies();
      expect(cookie).toMatchObject({ name: "zakenak_dashboard", httpOnly: true, sameSite: "Strict" });
      expect(cookie?.path).toBe("/dashboard");
      expect(cookie?.value).not.toContain(TOKEN);

      for (const [name, path] of PAGES) {
        const res = await page.goto(`${server.url}${path}`);
        expect(res?.status(), path).toBe(200);
        expect(res?.headers()["content-security-policy"]).toBe(DASHBOARD_CSP);
        expectNoSecret(await page.content());
        // The style sheet applied: the CSP let it load.
        // (Browser-side code as text: the test's TypeScript has no DOM types.)
        const headerColor = await page.evaluate<string>(
          "getComputedStyle(document.querySelector('header')).backgroundColor",
        );
        expect(headerColor).toBe("rgb(29, 35, 48)");
        await page.screenshot({ path: join(shotDir, `${name}.png`), fullPage: true });
        if (name === "revisions")
          expect(await page.textContent("main")).toContain("Changes from revision 1 to 2");
      }
      await page.goto(`${server.url}/dashboard`);
      expect(await page.textContent("main")).toContain(environment);

      expect(problems).toEqual([]);

      // Signed out, /dashboard is the sign-in page again (with its 401).
      await Promise.all([page.waitForURL(`${server.url}/dashboard`), page.click("text=Sign out")]);
      expect(await page.locator('input[name="token"]').count()).toBe(1);
      expect(await context.cookies()).toEqual([]);
      expect(problems.filter((p) => !p.includes("status of 401"))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("fits a phone's width on every page", async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true });
    try {
      const { page, problems } = await watchedPage(context);
      await signIn(page, problems);
      for (const [name, path] of PAGES) {
        await page.goto(`${server.url}${path}`);
        const { scroll, client } = await page.evaluate<{ scroll: number; client: number }>(
          "({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })",
        );
        expect(scroll, `${name} scrolls sideways`).toBeLessThanOrEqual(client);
        await page.screenshot({ path: join(shotDir, `${name}-phone.png`), fullPage: true });
      }
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe("configuration", () => {
  it("is off (404) without a token or a trusted header, and says so in the log", async () => {
    const off = await startDashboardServer(redis.url, {});
    try {
      const res = await fetch(`${off.url}/dashboard`, { headers: bearer });
      expect(res.status).toBe(404);
      expect(off.logText()).toContain("dashboard off: set ZAKENAK_DASHBOARD_TOKEN");
    } finally {
      await off.close();
    }
  });

  it("honours an auth proxy's header only when it is configured", async () => {
    const proxied = await startDashboardServer(redis.url, {
      ZAKENAK_DASHBOARD_TRUSTED_HEADER: "X-Forwarded-User",
    });
    try {
      const withUser = await fetch(`${proxied.url}/dashboard/queue`, {
        headers: { "x-forwarded-user": "carol" },
      });
      expect(withUser.status).toBe(200);
      expect(await withUser.text()).toContain(FAILED_REASON);
      expect((await fetch(`${proxied.url}/dashboard/queue`)).status).toBe(401);
      // No token configured: a Bearer proves nothing.
      expect((await fetch(`${proxied.url}/dashboard/queue`, { headers: bearer })).status).toBe(401);
    } finally {
      await proxied.close();
    }
    const tokenOnly = await fetch(`${server.url}/dashboard/queue`, {
      headers: { "x-forwarded-user": "carol" },
    });
    expect(tokenOnly.status).toBe(401);
  });
});
