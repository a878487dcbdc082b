#!/usr/bin/env bash
# Runs a command in an image's root filesystem the way a container runtime with a read-only root would,
# for the image tests (podman run cannot start containers on this machine). Meant to run as root under
# `unshare --pid --mount --fork`: the command becomes PID 1 of a new PID namespace, and every mount below
# is private to the new mount namespace and goes away with it.
#
#   run-in-rootfs.sh ROOTFS NEWROOT UID:GID WORKDIR [--volume HOSTDIR:PATH]... [--file HOSTFILE:PATH]... \
#     -- [NAME=VALUE]... -- COMMAND [ARG]...
#
# ROOTFS (the image's files, e.g. from `buildah mount`) is bound at the empty directory NEWROOT and made
# read-only; only the volumes are writable. The command gets exactly the NAME=VALUE environment, runs
# as UID:GID in WORKDIR, and replaces this script, so it is the namespace's PID 1.
set -euo pipefail

die() {
  printf 'run-in-rootfs: %s\n' "$*" >&2
  exit 125
}

(($# >= 4)) || die "usage: ROOTFS NEWROOT UID:GID WORKDIR [--volume H:P]... [--file H:P]... -- [ENV]... -- COMMAND..."
rootfs=$1 root=$2 userspec=$3 workdir=$4
shift 4
volumes=()
files=()
while (($# > 0)) && [[ $1 != -- ]]; do
  case $1 in
    --volume) volumes+=("$2") ;;
    --file) files+=("$2") ;;
    *) die "unknown option $1" ;;
  esac
  shift 2
done
(($# > 0)) || die "missing -- before the environment"
shift
environment=()
while (($# > 0)) && [[ $1 != -- ]]; do
  environment+=("$1")
  shift
done
(($# > 1)) || die "missing -- COMMAND"
shift

mount --bind "$rootfs" "$root"
# Mount points are made before the root turns read-only, as a runtime makes them for volumes and files;
# they land in the throw-away container, never in the image.
for spec in "${volumes[@]}"; do mkdir -p "$root${spec#*:}"; done
for spec in "${files[@]}"; do
  mkdir -p "$(dirname "$root${spec#*:}")"
  [[ -e "$root${spec#*:}" ]] || touch "$root${spec#*:}"
done
mount -o remount,bind,ro "$root"

mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
# A minimal /dev: the devices programs expect, on a tmpfs only root may write to.
mount -t tmpfs -o nosuid,noexec,mode=755,size=64k tmpfs "$root/dev"
for device in null zero full random urandom; do
  touch "$root/dev/$device"
  mount --bind "/dev/$device" "$root/dev/$device"
done
for spec in "${volumes[@]}"; do mount --bind "${spec%%:*}" "$root${spec#*:}"; done
for spec in "${files[@]}"; do
  mount --bind "${spec%%:*}" "$root${spec#*:}"
  mount -o remount,bind,ro "$root${spec#*:}"
done

chroot=$(command -v chroot)
# The image's own /bin/sh enters the working directory (chroot always starts in /) and then replaces
# itself with the command.
exec env -i "${environment[@]}" "$chroot" --userspec="$userspec" "$root" \
  /bin/sh -c 'cd "$0" && exec "$@"' "$workdir" "$@"
