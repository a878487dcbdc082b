import {
  CHART_NAME,
  isOciReference,
  ociReferenceProblem,
  repositoryUrlProblem,
  versionProblem,
} from "./chart-reference.js";

interface ReleaseChartFields {
  name: string;
  chart?: string | undefined;
  repo?: string | undefined;
  version?: string | undefined;
}

/**
 * What is wrong with a release's `chart`, `repo` and `version` together: a local chart takes neither repo
 * nor version; a remote one (`oci://…`, or `repo` + a chart name) needs an exact version. Messages name
 * the release, since the key path alone says only its index.
 */
export function chartProblems(r: ReleaseChartFields): { path: string[]; message: string }[] {
  const at = (path: string, what: string) => ({ path: [path], message: `release ${r.name}: ${what}` });
  if (r.chart === undefined) {
    return [
      ...(r.repo !== undefined
        ? [at("repo", "repo needs chart: NAME (the chart's name in the repository)")]
        : []),
      ...(r.version !== undefined ? [at("version", "version only applies to a remote chart")] : []),
    ];
  }
  const remote = isOciReference(r.chart) || r.repo !== undefined;
  if (!remote) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(r.chart)) {
      return [
        at("chart", "a chart URL is not supported: use oci://HOST/PATH/NAME, or repo: URL with chart: NAME"),
      ];
    }
    return r.version !== undefined
      ? [
          at(
            "version",
            "version only applies to a remote chart (oci://… or repo:); this chart is a directory",
          ),
        ]
      : [];
  }
  const problems: { path: string[]; message: string }[] = [];
  if (isOciReference(r.chart)) {
    const bad = ociReferenceProblem(r.chart);
    if (bad) problems.push(at("chart", bad));
    if (r.repo !== undefined)
      problems.push(at("repo", "an oci:// chart names its registry itself: drop repo"));
  } else {
    const bad = repositoryUrlProblem(r.repo as string);
    if (bad) problems.push(at("repo", bad));
    if (!CHART_NAME.test(r.chart))
      problems.push(at("chart", "with repo, chart is the chart's name in the repository (no path)"));
  }
  if (r.version === undefined) {
    problems.push(at("version", 'a remote chart needs an exact version such as "1.2.3"'));
  } else {
    const bad = versionProblem(r.version);
    if (bad) problems.push(at("version", bad));
  }
  return problems;
}
