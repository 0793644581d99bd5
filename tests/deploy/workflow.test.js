// .github/workflows/images.yml: valid for GitHub Actions (action-validator, the
// workflow JSON schema), builds every Dockerfile on base images resolved to digests
// (the C++ three in one job), records the pushed digests, takes the user and tag as
// inputs and the token as a secret, and pins every action by commit SHA.
import test from "node:test";
import assert from "node:assert/strict";
import { validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";
import { read } from "./lib/repo.js";
import { IMAGES } from "./lib/images.js";

const text = read(".github/workflows/images.yml");
const wf = parse(text);

test("images.yml validates against the GitHub Actions workflow schema", () => {
  assert.deepEqual(validateWorkflow(text).errors, []);
});

test("the validator rejects a broken workflow", () => {
  assert.ok(validateWorkflow(text.replace("runs-on: ubuntu-24.04", "runs_on: ubuntu-24.04")).errors.length > 0);
});

const buildSteps = Object.values(wf.jobs).flatMap((j) =>
  (j.steps ?? []).filter((s) => String(s.uses).startsWith("docker/build-push-action@")),
);

test("every image is built from its Dockerfile and target, on the resolved base digests, and pushed", () => {
  const built = Object.fromEntries(buildSteps.map((s) => [s.id, s.with]));
  assert.deepEqual(Object.keys(built).sort(), Object.keys(IMAGES).sort());
  for (const [c, w] of Object.entries(built)) {
    assert.equal(w.file, IMAGES[c].file, c);
    assert.equal(w.target, IMAGES[c].target, c);
    assert.equal(w.context, ".");
    assert.equal(w.push, true);
    assert.match(w["build-args"], /=\$\{\{ needs\.bases\.outputs\.\w+ \}\}/, `${c}: not on the resolved bases`);
  }
  assert.match(wf.jobs.bases.steps.find((s) => s.id === "resolve").run, /imagetools inspect/);
});

test("agent, api and hub are built in one job (one builder, one compile of the shared stage)", () => {
  const ids = wf.jobs.cpp.steps.filter((s) => s.id).map((s) => s.id);
  assert.deepEqual(ids, ["agent", "api", "hub"]);
  assert.equal(wf.jobs.cpp.steps.filter((s) => String(s.uses).startsWith("docker/setup-buildx-action@")).length, 1);
});

test("the release job records every pushed image by digest", () => {
  const env = wf.jobs.release.steps[0].env;
  assert.deepEqual(Object.keys(env).sort(), ["AGENT", "API", "DASHBOARD", "HUB", "NODE_API"]);
  assert.match(wf.jobs.release.steps[0].run, /VMPULSE_IMAGE_\$c=\$prefix\/vmpulse-\$name@\$digest/);
});

test("user and tag are inputs, the token a secret; actions are pinned by commit SHA, tag in a comment", () => {
  const inputs = wf.on.workflow_dispatch.inputs;
  assert.equal(inputs.dockerhub_user.required, true);
  assert.equal(inputs.tag.required, true);
  for (const job of ["cpp", "node"]) {
    const login = wf.jobs[job].steps.find((s) => String(s.uses).startsWith("docker/login-action@"));
    assert.equal(login.with.password, "${{ secrets.DOCKERHUB_TOKEN }}", job);
  }
  const uses = text.split("\n").filter((l) => /^\s*(- )?uses:/.test(l));
  assert.ok(uses.length >= 10);
  for (const l of uses) assert.match(l, /uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/, l);
  assert.deepEqual(wf.permissions, { contents: "read" });
});
