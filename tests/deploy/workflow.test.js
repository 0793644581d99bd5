// .github/workflows/images.yml: valid for GitHub Actions (action-validator, the
// workflow JSON schema), builds every Dockerfile, takes the user and tag as inputs
// and the token as a secret.
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

test("every image is built from its Dockerfile and target, and pushed", () => {
  const matrix = wf.jobs.image.strategy.matrix.include;
  assert.deepEqual(matrix.map((m) => m.component).sort(), Object.keys(IMAGES).sort());
  for (const m of matrix) {
    assert.equal(`deploy/docker/${m.file}`, IMAGES[m.component].file, m.component);
    assert.equal(m.target || undefined, IMAGES[m.component].target, m.component);
  }
  const build = wf.jobs.image.steps.find((s) => String(s.uses).startsWith("docker/build-push-action@"));
  assert.equal(build.with.push, true);
  assert.equal(build.with.file, "deploy/docker/${{ matrix.file }}");
  assert.equal(build.with.target, "${{ matrix.target }}");
  assert.equal(build.with.context, ".");
});

test("user and tag are inputs, the token a secret; actions are pinned to a major version", () => {
  const inputs = wf.on.workflow_dispatch.inputs;
  assert.equal(inputs.dockerhub_user.required, true);
  assert.equal(inputs.tag.required, true);
  const login = wf.jobs.image.steps.find((s) => String(s.uses).startsWith("docker/login-action@"));
  assert.equal(login.with.password, "${{ secrets.DOCKERHUB_TOKEN }}");
  for (const s of wf.jobs.image.steps.filter((x) => x.uses)) assert.match(s.uses, /@v\d+$/, s.uses);
  assert.deepEqual(wf.permissions, { contents: "read" });
});
