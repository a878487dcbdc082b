import { readFileSync } from "node:fs";

function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name in parentheses may itself contain spaces or parentheses.
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  } catch {
    return undefined;
  }
}

function procCmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return undefined;
  }
}

/**
 * Whether pid is a running process. A zombie counts as gone: a detached process whose parent exited is
 * reaped by whatever init the machine has, which may never do it. With cmdlineMarker, a pid that the
 * kernel reused for an unrelated process (say, after a reboot) also counts as gone.
 */
export function isProcessAlive(pid: number, cmdlineMarker?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const state = procState(pid);
  if (state === "Z" || state === "X") return false;
  if (cmdlineMarker !== undefined) {
    const cmdline = procCmdline(pid);
    if (cmdline !== undefined && !cmdline.includes(cmdlineMarker)) return false;
  }
  return true;
}
