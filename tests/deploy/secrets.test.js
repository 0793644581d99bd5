// No secret values anywhere in the repository: they come from the environment and live
// in Kubernetes Secrets that ./vmpulse cloud deploy creates.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ROOT, repoFiles } from "./lib/repo.js";
import { secretProblems, forbiddenFiles } from "./lib/secrets.js";

const files = repoFiles().filter((f) => !/(^|\/)(node_modules|package-lock\.json$)/.test(f));

function isText(buf) {
  return !buf.subarray(0, 8000).includes(0);
}

test("no secret values in any file of the repository", () => {
  assert.ok(files.length > 50, `only ${files.length} files found`);
  const problems = [];
  for (const f of files) {
    const buf = fs.readFileSync(path.join(ROOT, f));
    if (buf.length > 2 * 1024 * 1024 || !isText(buf)) continue;
    problems.push(...secretProblems(f, buf.toString("utf8")));
  }
  assert.deepEqual(problems, []);
});

test("no key, certificate or .env files in the repository", () => {
  assert.deepEqual(forbiddenFiles(files), []);
});

test("the scan finds what it looks for", () => {
  const key = ["-----BEGIN", " PRIVATE KEY-----"].join("");
  assert.equal(secretProblems("notes.txt", `${key}\nMIIE...`).length, 1);
  assert.equal(secretProblems("src/app.js", `const u = "mysql://vmpulse:${"hunter" + 2}@db/x";`).length, 1);
  assert.equal(secretProblems("src/app.js", 'const u = "mysql://user:pass@host/db";').length, 0);
  assert.equal(secretProblems("src/app.py", "# VMPULSE_DB_URL=mysql://u:p@127.0.0.1:3307/db").length, 0);
  assert.equal(secretProblems("tests/x/app.test.js", `const u = "mysql://u:${"hunter" + 2}@db/x";`).length, 0);
  assert.equal(secretProblems("deploy/k8s/x.yaml", `env:\n  DB_PASSWORD: ${"Tr0ub4dor" + "3"}\n`).length, 1);
  assert.equal(secretProblems("compose.yaml", '  MYSQL_PASSWORD: "${VMPULSE_DB_PASSWORD:?set it}"\n').length, 0);
  assert.equal(secretProblems("deploy/k8s/s.yaml", "kind: Secret\nstringData:\n  url: x\n").length, 1);
  assert.equal(secretProblems("README.md", `token ${"ghp_" + "a".repeat(36)}`).length, 1);
  assert.deepEqual(forbiddenFiles(["a/.env", "b/tls.key", "c/key.json", "d/ok.json"]), [
    "a/.env",
    "b/tls.key",
    "c/key.json",
  ]);
});
