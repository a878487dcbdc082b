import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isZakenakError } from "../../src/errors.js";
import { parseAzureDevOpsEvent } from "../../src/hosts/azure-devops/parse-azure-devops-event.js";
import { parseBitbucketCloudEvent } from "../../src/hosts/bitbucket-cloud/parse-bitbucket-cloud-event.js";
import { parseBitbucketServerEvent } from "../../src/hosts/bitbucket-server/parse-bitbucket-server-event.js";
import { isIgnored, type ParseResult } from "../../src/hosts/common/parse-result.js";
import { requireWholeEvent } from "../../src/hosts/common/whole-event.js";
import { parseGiteaEvent } from "../../src/hosts/gitea/parse-gitea-event.js";
import { parseGithubEvent } from "../../src/hosts/github/parse-github-event.js";
import { parseGitlabEvent } from "../../src/hosts/gitlab/parse-gitlab-event.js";
import { missingFields } from "./complete-event.js";
import { fuzzParameters, mutate, mutationArb } from "./fuzz-settings.js";
import * as seeds from "./seed-payloads.js";

type Parser = (event: string, payload: unknown) => ParseResult[];

const parsers: [string, Parser, seeds.Seed[]][] = [
  ["GitHub", (e, p) => [parseGithubEvent(e, p)], seeds.githubSeeds],
  ["GitLab", (e, p) => [parseGitlabEvent(e, p)], seeds.gitlabSeeds],
  ["Gitea", (e, p) => [parseGiteaEvent(e, p)], seeds.giteaSeeds],
  ["Bitbucket Server", parseBitbucketServerEvent, seeds.bitbucketServerSeeds],
  [
    "Bitbucket Cloud",
    (e, p) => parseBitbucketCloudEvent(e, p).map((r) => r.result),
    seeds.bitbucketCloudSeeds,
  ],
  ["Azure DevOps", parseAzureDevOpsEvent, seeds.azureDevOpsSeeds],
];

/**
 * What intake's normalizing may do with any input (a host's parser, then the check every event passes
 * before it is queued): return ignored results or whole events, or throw the typed `invalid` error that
 * intake answers 400 with. Anything else (a TypeError, an event with a hole) fails.
 */
function checkParse(parse: Parser, event: string, payload: unknown): void {
  let results: ParseResult[];
  try {
    results = parse(event, payload);
    for (const r of results) if (!isIgnored(r)) requireWholeEvent(r, event);
  } catch (error) {
    if (isZakenakError(error) && error.code === "invalid") return;
    throw error;
  }
  for (const result of results) {
    if (isIgnored(result)) {
      expect(typeof result.ignored).toBe("string");
      continue;
    }
    expect(missingFields(result), JSON.stringify(result)).toEqual([]);
  }
}

describe.each(parsers)("%s payload parser under fuzzing", (_name, parse, corpus) => {
  it("turns the seed payloads into whole events", () => {
    const events = corpus.flatMap((seed) => parse(seed.event, seed.payload)).filter((r) => !isIgnored(r));
    expect(events.length).toBeGreaterThanOrEqual(3);
    for (const seed of corpus) checkParse(parse, seed.event, seed.payload);
  });

  it("never throws outside the typed error on mutated payloads, nor yields an event with a missing field", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...corpus),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        (seed, mutations) => checkParse(parse, seed.event, mutate(seed.payload, mutations)),
      ),
      fuzzParameters(300),
    );
  });

  it("never throws outside the typed error on random JSON under any event name", () => {
    const events = [...new Set(corpus.map((s) => s.event))];
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...events), fc.string()),
        fc.jsonValue({ maxDepth: 4 }),
        (event, payload) => checkParse(parse, event, payload),
      ),
      fuzzParameters(200),
    );
  });
});
