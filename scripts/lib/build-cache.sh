# shellcheck shell=bash
# The cache discipline the build scripts share: a cached build is printed at once; otherwise one build at
# a time (a lock), staged beside the cache and moved into place whole. Sourced after `log` and `die`.
#
#   build_cache_reuse CHECK CACHE_ROOT FINAL_DIR    # prints FINAL_DIR and exits 0 when CHECK FINAL_DIR passes
#   build_cache_stage STAGING_PREFIX WORK_PREFIX    # sets staging_dir and work_dir, removed on exit
#   build_cache_publish FINAL_DIR                   # moves staging_dir to FINAL_DIR and prints it

# Exits 0 printing FINAL_DIR when it holds a complete build (CHECK FINAL_DIR succeeds); otherwise returns
# holding the build lock of CACHE_ROOT, with what interrupted builds left behind removed.
build_cache_reuse() {
  local check=$1 cache_root=$2 final_dir=$3
  if "$check" "$final_dir"; then
    printf '%s\n' "$final_dir"
    exit 0
  fi

  mkdir -p "$cache_root"
  # Two runs at once (a test run and a person) would both spend minutes building; the second waits instead.
  if command -v flock >/dev/null; then
    exec 9>"$cache_root/.build.lock"
    if ! flock -n 9; then
      log "another build is running; waiting for it"
      flock 9
    fi
    if "$check" "$final_dir"; then
      printf '%s\n' "$final_dir"
      exit 0
    fi
    # Holding the lock, no other build is using these: they are what an interrupted build left.
    rm -rf "$cache_root"/.tmp-*
  fi
}

# Sets staging_dir (mktemp template STAGING_PREFIX.XXXXXX, beside the final directory) and work_dir
# (WORK_PREFIX.XXXXXX under TMPDIR); both are removed when the script exits, however it exits.
build_cache_stage() {
  # The staging dir sits beside the final one so the last step is a rename on one filesystem: an
  # interrupted build never leaves a directory that looks complete.
  staging_dir=$(mktemp -d "$1.XXXXXX")
  work_dir=$(mktemp -d "${TMPDIR:-/tmp}/$2.XXXXXX")
  trap build_cache_cleanup EXIT
  # Turned into a normal exit so that the EXIT trap also cleans up after Ctrl-C or kill.
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

build_cache_cleanup() {
  # Sources copied from the Go module cache keep its read-only modes, which would make rm fail.
  chmod -R u+w "$staging_dir" "$work_dir" 2>/dev/null || true
  rm -rf "$staging_dir" "$work_dir"
}

# Replaces FINAL_DIR with the finished staging_dir and prints it.
build_cache_publish() {
  local final_dir=$1
  rm -rf "$final_dir"
  mv -T "$staging_dir" "$final_dir"
  chmod 755 "$final_dir"
  log "done"
  printf '%s\n' "$final_dir"
}
