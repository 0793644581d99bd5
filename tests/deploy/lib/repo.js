// Where things are, and how the tests get at the repository's deploy files.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fs from "node:fs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export function read(rel) {
  return fs.readFileSync(path.join(ROOT, rel), "utf8");
}

// The repository's files as git knows them (tracked, plus untracked but not ignored),
// so that a scan sees what a commit would contain and nothing under node_modules.
export function repoFiles() {
  const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  }).toString("utf8");
  return [...new Set(out.split("\0").filter(Boolean))].filter((f) => fs.existsSync(path.join(ROOT, f)));
}
