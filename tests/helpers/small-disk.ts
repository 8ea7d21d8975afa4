import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * A small file system of its own (tmpfs), so that a test can fill a disk for real. Mounting needs
 * root, which CI has; elsewhere canMountSmallDisks() says no and the tests that need one are
 * skipped, except in CI, where a missing mount is a failure.
 */
export interface SmallDisk {
  dir: string;
  freeBytes(): number;
  /** Writes a filler file until only `leaveBytes` remain free. */
  fillLeaving(leaveBytes: number): void;
  /** Deletes the filler: the space is free again. */
  emptyFiller(): void;
  unmount(): void;
}

export function canMountSmallDisks(): boolean {
  if (process.env.CI === "true") return true;
  return process.platform === "linux" && process.getuid?.() === 0;
}

export function mountSmallDisk(megabytes: number): SmallDisk {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "claimant-small-disk-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${megabytes}m,mode=0755`, "tmpfs", dir]);
  const filler = path.join(dir, "filler");
  const freeBytes = () => {
    const stats = fs.statfsSync(dir);
    return stats.bavail * stats.bsize;
  };
  return {
    dir,
    freeBytes,
    fillLeaving(leaveBytes) {
      const fd = fs.openSync(filler, "a");
      try {
        const chunk = Buffer.alloc(1024 * 1024);
        for (let free = freeBytes(); free > leaveBytes; free = freeBytes()) {
          const size = Math.min(chunk.length, free - leaveBytes);
          fs.writeSync(fd, chunk, 0, Math.max(4096, size));
        }
      } finally {
        fs.closeSync(fd);
      }
    },
    emptyFiller: () => fs.rmSync(filler, { force: true }),
    unmount() {
      execFileSync("umount", ["-l", dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
