export const VERSION = "0.1.0";

export const USAGE = `Usage: zakenak <command> [options]

Commands:
  plan       Render, validate and diff the repository (exit 0 no changes, 2 changes, 1 errors)
  validate   Render and validate the repository (exit 0 valid, 1 errors)
  apply      Apply an environment to its cluster: lock, apply, prune, wait for health, record a revision
  rollback   Re-apply a stored revision of an environment (default: the last successful before the current)
  history    List an environment's revisions stored in its cluster
  drift      Compare an environment's deployed revision with its cluster (exit 0 in sync, 2 drifted)
  unlock     Clear an environment's lock, whoever holds it
  serve      Run the bot: webhook intake and workers (configured by environment variables, see README)
  worker     Run the bot's workers only
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
  --no-image-check    do not look container images up in their registries (also ZAKENAK_IMAGE_CHECK=off)
  --debug             print stack traces of errors

  --live              compare with the live cluster (server-side dry run) instead of a base revision
  --kubeconfig PATH   kubeconfig for --live (default: KUBECONFIG, in-cluster, ~/.kube/config)
  --context NAME      kubeconfig context (default: the environment's kubeContext, else current)

apply options:
  --env NAME (required), --repo DIR, --ref REF (default: the working tree), --kubeconfig PATH, --context NAME
  --dry-run           show what would change in the cluster and write nothing
  --no-wait           do not wait for health (e.g. a cluster without controllers)
  --lock-timeout S    wait up to S seconds for another apply to finish (default 300)
  --lease-seconds S   lock lease: renewed while running, expires S seconds after a crash (default 30)
  --actor NAME        who is applying, for the history (default: user@host)

rollback options:
  --env NAME (required), --to N, --kubeconfig, --context, --no-wait, --lock-timeout, --lease-seconds, --actor

history options:
  --env NAME (required), --format text|json, --kubeconfig, --context

unlock options:
  --env NAME (required), --kubeconfig, --context

drift options:
  --env NAME (required), --format text|json, --kubeconfig, --context

apply, rollback, history, unlock and drift also take:
  --server-config FILE   check the environment against an operator's server configuration, as the bot does
  --repository O/N       the repository name its entries are matched against (with --server-config)

validate options:
  --repo DIR, --ref REF (default: the working tree), --env NAME, --format text|json, --no-cache, --debug

Environment:
  ZAKENAK_HELM, ZAKENAK_KUBECTL   paths of the helm and kubectl binaries
  ZAKENAK_CACHE_DIR               cache directory (default: ~/.cache/zakenak)
  NO_COLOR                        disable colours in text output
`;
