// The Dockerfiles: a maintained Dockerfile linter (dockerfile-utils, the engine of the
// VS Code Docker extension's diagnostics) plus the focused checks of lib/dockerfile.js.
import test from "node:test";
import assert from "node:assert/strict";
import { validate as lintDockerfile } from "dockerfile-utils";
import { parse } from "yaml";
import { ROOT, read } from "./lib/repo.js";
import fs from "node:fs";
import path from "node:path";
import { IMAGES } from "./lib/images.js";
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
  const { file, target } = IMAGES[c];
  const text = read(file);
  const name = target ? `${file} --target ${target}` : file;

  test(`${name}: no linter diagnostics`, () => {
    const diagnostics = lintDockerfile(text, {}).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
    assert.deepEqual(diagnostics, []);
  });

  test(`${name}: pinned bases, multi-stage, numeric non-root user, exec form, tidy apt, sources exist`, () => {
    assert.deepEqual(dockerfileProblems(text, ROOT, target), []);
  });

  test(`${name}: exposes the component's port from config/defaults.env`, () => {
    assert.deepEqual(exposedPorts(text, target), [PORTS[c]]);
  });
}

test("every Dockerfile in deploy/docker builds an image (no leftover per-component C++ files)", () => {
  const files = fs.readdirSync(path.join(ROOT, "deploy/docker")).filter((f) => f.endsWith(".Dockerfile"));
  assert.deepEqual(
    files.map((f) => `deploy/docker/${f}`).sort(),
    [...new Set(Object.values(IMAGES).map((i) => i.file))].sort(),
  );
});

test("the C++ images share one build stage on a pinned Debian release and run on an empty base", () => {
  const text = read("deploy/docker/cpp.Dockerfile");
  const bases = baseImages(parseDockerfile(text)).filter((b) => !b.stageRef);
  assert.match(bases[0].image, /^debian:12\.\d+-slim$/);
  // The rest: the prebuilt stage (scratch unless PREBUILT_IMAGE is given) and the three images.
  assert.deepEqual(
    bases.slice(1).map((b) => b.image),
    ["scratch", "scratch", "scratch", "scratch"],
  );
  assert.match(text, /^ARG BINARIES=source$/m, "users build from source by default");
  assert.match(text, /cmake --preset static/);
  for (const c of ["agent", "api", "hub"]) assert.match(text, new RegExp(`^COPY --from=build /rootfs/${c}/ /$`, "m"));
});

test("images shared by compose.yaml, the Dockerfiles and Kubernetes are the same versions", () => {
  const compose = parse(read("compose.yaml"), { merge: true });
  // Upstream images by their defaults (${VAR:-image}: a local stand-in may replace
  // them); vmpulse's own images are named by prefix and tag (compose.test.js).
  const composeImages = Object.values(compose.services)
    .map((s) => s.image)
    .filter((i) => i && !/\/vmpulse-[\w-]+:/.test(i))
    .map((i) => i.replace(/^\$\{\w+:-(.+)\}$/, "$1"));
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
  assert.ok(
    dockerfileProblems("FROM a:1.2 AS b\nFROM b AS c\nUSER 1\n", ROOT, "d").some((p) => /no stage named d/.test(p)),
  );
  assert.deepEqual(dockerfileProblems('FROM a:1.2 AS b\nFROM scratch AS c\nUSER 1\nCMD ["x"]\n', ROOT, "c"), []);
  assert.equal(isPinned("node:20-bookworm-slim"), false);
  assert.equal(isPinned("node:20.19.2-bookworm-slim"), true);
  assert.equal(isPinned(`mysql@sha256:${"a".repeat(64)}`), true);
  assert.ok(lintDockerfile("FROM debian:12.11-slim\nCOPY onlyone\n", {}).length > 0);
});
