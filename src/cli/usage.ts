export const VERSION = "0.1.0";

export const USAGE = `Usage: zakenak <command> [options]

Commands:
  plan       Render, validate and diff the repository (exit 0 no changes, 2 changes, 1 errors)
  validate   Render and validate the repository (exit 0 valid, 1 errors)
  version    Print the version
  help       Show this help

plan options:
  --repo DIR          repository holding .zakenak.yaml (default: current directory)
  --base REF          git ref to compare against (default: merge base with the default branch)
  --head REF          git ref to plan (default: the working tree)
  --env NAME          limit to an environment (repeatable)
  --format FORMAT     text | markdown | json (default: text)
  --limit N           markdown: keep the report under N characters (e.g. 65536 for GitHub)
  --no-cache          render everything again instead of reusing earlier renders
  --debug             print stack traces of errors

validate options:
  --repo DIR, --ref REF (default: the working tree), --env NAME, --format text|json, --no-cache, --debug

Environment:
  ZAKENAK_HELM, ZAKENAK_KUBECTL   paths of the helm and kubectl binaries
  ZAKENAK_CACHE_DIR               cache directory (default: ~/.cache/zakenak)
  NO_COLOR                        disable colours in text output
`;
