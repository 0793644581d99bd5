// The Dockerfiles: a maintained Dockerfile linter (dockerfile-utils, the engine of the
// VS Code Docker extension's diagnostics) plus the focused checks of lib/dockerfile.js.
import test from "node:test";
import assert from "node:assert/strict";
import { validate as lintDockerfile } from "dockerfile-utils";
import { parse } from "yaml";
import { ROOT, read } from "./lib/repo.js";
import { dockerfileProblems, baseImages, parseDockerfile, exposedPorts, isPinned } from "./lib/dockerfile.js";

const COMPONENTS = ["agent", "api", "hub", "node-api", "dashboard"];
const defaults = Object.fromEntries(
  read("config/defaults.env")
    .split("\n")
    .filter((l) => /^\w+=/.test(l))
    .map((l) => l.split("=")),
);
const PORTS = {
  agent: Number(defaults.VMPULSE_AGENT_PORT),
  api: Number(defaults.VMPULSE_API_PORT),
  hub: Number(defaults.VMPULSE_HUB_PORT),
  "node-api": Number(defaults.VMPULSE_NODE_API_PORT),
  dashboard: 8080, // Cloud Run's default $PORT
};

for (const c of COMPONENTS) {
  const file = `deploy/docker/${c}.Dockerfile`;
  const text = read(file);

  test(`${file}: no linter diagnostics`, () => {
    const diagnostics = lintDockerfile(text, {}).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
    assert.deepEqual(diagnostics, []);
  });

  test(`${file}: pinned bases, multi-stage, numeric non-root user, exec form, tidy apt, sources exist`, () => {
    assert.deepEqual(dockerfileProblems(text, ROOT), []);
  });

  test(`${file}: exposes the component's port from config/defaults.env`, () => {
    assert.deepEqual(exposedPorts(text), [PORTS[c]]);
  });
}

test("the C++ images build and run on one pinned Debian release", () => {
  const bases = ["agent", "api", "hub"].map((c) => baseImages(parseDockerfile(read(`deploy/docker/${c}.Dockerfile`))));
  const all = new Set(bases.flat().map((b) => b.image));
  assert.equal(all.size, 1, `different bases: ${[...all].join(", ")}`);
  assert.match([...all][0], /^debian:12\.\d+-slim$/);
});

test("images shared by compose.yaml, the Dockerfiles and Kubernetes are the same versions", () => {
  const compose = parse(read("compose.yaml"), { merge: true });
  const composeImages = Object.values(compose.services)
    .map((s) => s.image)
    .filter(Boolean);
  for (const img of composeImages) assert.ok(isPinned(img), `compose.yaml: ${img} is not pinned`);
  const job = read("deploy/k8s/base/migrate/job.yaml").match(/image: (\S+)/)[1];
  assert.ok(composeImages.includes(job), `the migration Job's ${job} differs from compose.yaml's`);
  const nginx = baseImages(parseDockerfile(read("deploy/docker/dashboard.Dockerfile"))).at(-1).image;
  assert.ok(composeImages.includes(nginx), `the dashboard's ${nginx} differs from compose.yaml's ingress`);
});

test(".dockerignore keeps VCS data, dependencies and build output out of the context", () => {
  const lines = read(".dockerignore")
    .split("\n")
    .map((l) => l.trim());
  for (const want of [".git", "**/node_modules", "build", ".env"]) assert.ok(lines.includes(want), `missing ${want}`);
});

test("the focused checks catch what they claim to", () => {
  const bad = [
    "FROM debian:latest",
    "RUN apt-get update && apt-get install curl",
    "ADD https://example.com/x.tgz /x",
    "COPY no/such/dir /x",
    "CMD node server.js",
  ].join("\n");
  const problems = dockerfileProblems(bad, ROOT);
  for (const want of [
    /not multi-stage/,
    /not pinned/,
    /no USER/,
    /exec/,
    /--no-install-recommends/,
    /apt lists/,
    /ADD from a URL/,
    /does not exist/,
  ]) {
    assert.ok(
      problems.some((p) => want.test(p)),
      `no problem matching ${want}: ${problems.join("; ")}`,
    );
  }
  assert.ok(dockerfileProblems("FROM a:1.2 AS b\nFROM b\nUSER root\n", ROOT).some((p) => /not numeric/.test(p)));
  assert.ok(dockerfileProblems("FROM a:1.2 AS b\nFROM b\nUSER 0:0\n", ROOT).some((p) => /root/.test(p)));
  assert.equal(isPinned("node:20-bookworm-slim"), false);
  assert.equal(isPinned("node:20.19.2-bookworm-slim"), true);
  assert.equal(isPinned(`mysql@sha256:${"a".repeat(64)}`), true);
  assert.ok(lintDockerfile("FROM debian:12.11-slim\nCOPY onlyone\n", {}).length > 0);
});
