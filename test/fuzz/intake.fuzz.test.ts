import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Delivery } from "../../src/hosts/host-event.js";
import { type Intake, startIntake } from "../server/intake-harness.js";
import { type StrictHttpFake, startStrictHttpFake } from "../support/strict-http-fake.js";
import { missingFields } from "./complete-event.js";
import { fuzzParameters, mutate, mutationArb } from "./fuzz-settings.js";
import { type HostRequests, hostRequests } from "./host-requests.js";
import * as seeds from "./seed-payloads.js";

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

const corpus: Record<string, seeds.Seed[]> = {
  GitHub: seeds.githubSeeds,
  GitLab: seeds.gitlabSeeds,
  Gitea: seeds.giteaSeeds,
  "Bitbucket Server": seeds.bitbucketServerSeeds,
  "Bitbucket Cloud": seeds.bitbucketCloudSeeds,
  "Azure DevOps": seeds.azureDevOpsSeeds,
};

// Header names any host's intake reads, each sent or not, with any value.
const headerArb = fc.dictionary(
  fc.constantFrom(
    "x-github-event",
    "x-github-delivery",
    "x-hub-signature-256",
    "x-hub-signature",
    "x-gitlab-event",
    "x-gitlab-token",
    "x-gitlab-event-uuid",
    "x-gitea-event",
    "x-gitea-signature",
    "x-gitea-delivery",
    "x-event-key",
    "x-request-id",
    "x-request-uuid",
    "authorization",
    "content-type",
  ),
  fc.oneof(fc.string({ unit: "grapheme-ascii", maxLength: 80 }), fc.stringMatching(/^sha256=[0-9a-f]{64}$/)),
);

let fake: StrictHttpFake;
let intake: Intake;
let hosts: HostRequests[];

beforeAll(async () => {
  // Bitbucket Cloud's intake may ask its API for a full commit hash; no request is expected here.
  fake = await startStrictHttpFake();
  hosts = hostRequests(fake.url);
  intake = await startIntake({
    ...Object.assign({}, ...hosts.map((h) => h.env)),
    ZAKENAK_REPO_ALLOWLIST: "**",
  });
});

afterAll(async () => {
  await intake?.close();
  await fake?.close();
});

describe("webhook intake under fuzzing", () => {
  it("queues nothing without a valid signature, and answers every forgery with a 4xx", async () => {
    for (const host of hosts) {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.uint8Array({ maxLength: 1024 }),
            fc
              .tuple(fc.constantFrom(...(corpus[host.name] ?? [])), fc.array(mutationArb, { maxLength: 3 }))
              .map(([seed, mutations]) => encode(mutate(seed.payload, mutations))),
          ),
          headerArb,
          async (body, headers) => {
            const reply = await intake.post(host.path, body, headers);
            expect(reply.status, `${host.name}: ${JSON.stringify(reply.body)}`).toBeGreaterThanOrEqual(400);
            expect(reply.status, host.name).toBeLessThan(500);
          },
        ),
        fuzzParameters(60),
      );
    }
    expect(await intake.jobs()).toHaveLength(0);
    fake.verify();
  });

  it("answers signed, mutated payloads without a 5xx and queues only whole events", async () => {
    // Bitbucket Cloud's intake asks the host's API to complete each pull request's commit hash; its parser
    // is fuzzed on its own, and its intake against a strict fake of that API in its own tests.
    for (const host of hosts.filter((h) => h.name !== "Bitbucket Cloud")) {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...(corpus[host.name] ?? [])),
          fc.array(mutationArb, { maxLength: 3 }),
          async (seed, mutations) => {
            const body = encode(mutate(seed.payload, mutations));
            const reply = await intake.post(host.path, body, host.signed(seed.event, body));
            expect([200, 202, 400, 403], `${host.name}: ${JSON.stringify(reply.body)}`).toContain(
              reply.status,
            );
          },
        ),
        fuzzParameters(60),
      );
    }
    const jobs = await intake.jobs();
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      const delivery = job.data as Delivery;
      expect(missingFields(delivery.event), JSON.stringify(delivery.event)).toEqual([]);
    }
    fake.verify();
  });

  describe.each([
    ["a 25 MiB body", () => new Uint8Array(25 * 1024 * 1024 + 1).fill(0x20), 413, /payload too large/],
    [
      "JSON nested 100,000 deep",
      () => new TextEncoder().encode(`${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`),
      400,
      /bad .*payload/,
    ],
    [
      "invalid UTF-8",
      () => Buffer.concat([Buffer.from('{"ref":"refs/heads/'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
      400,
      /not valid UTF-8/,
    ],
  ])("%s", (_what, makeBody, status, message) => {
    it.each(Object.keys(corpus))("gets a clear answer from %s", async (name) => {
      const host = hosts.find((h) => h.name === name) as HostRequests;
      const body = makeBody();
      const event = corpus[name]?.[0]?.event ?? "push";
      const reply = await intake.post(host.path, body, host.signed(event, body));
      expect(reply.status).toBe(status);
      expect(String(reply.body.error)).toMatch(message);
    });
  });
});
