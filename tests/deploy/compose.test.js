// compose.yaml: the Compose specification's schema and best-practice rules (dclint),
// and the stack's own promises: secrets only from the environment or files, hardened services,
// the 50/50 split in the ingress, migrations before the routes start.
import test from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { ROOT, read } from "./lib/repo.js";
import { IMAGES } from "./lib/images.js";

const DCLINT = path.join(ROOT, "tests/deploy/node_modules/dclint/bin/dclint.cjs");
// Ordering rules are taste, not correctness (services are in start order here, keys in
// reading order); the rest of dclint's rules, schema validation among them, apply.
// no-build-and-image is taste too: with both, Compose tags what it builds with `image:`,
// the name `./vmpulse images build` and `push` use, so one file runs built or pushed images.
const STYLE_RULES = [
  "service-keys-order",
  "services-alphabetical-order",
  "top-level-properties-order",
  "no-build-and-image",
];

function dclint(file) {
  try {
    execFileSync(
      process.execPath,
      [DCLINT, file, "--color", "false", ...STYLE_RULES.flatMap((r) => ["--disable-rule", r])],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    return "";
  } catch (e) {
    return `${e.stdout}${e.stderr}` || e.message;
  }
}

const compose = parse(read("compose.yaml"), { merge: true });

test("compose.yaml passes dclint (schema and rules)", () => {
  assert.equal(dclint(path.join(ROOT, "compose.yaml")), "");
});

test("dclint rejects a compose file that breaks the schema", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmpulse-compose-"));
  try {
    const bad = path.join(dir, "compose.yaml");
    fs.writeFileSync(bad, read("compose.yaml").replace("cap_drop: [ALL]", "cap_drop: ALL"));
    assert.match(dclint(bad), /cap_drop/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("every component runs, built from its Dockerfile", () => {
  for (const [c, { file, target }] of Object.entries(IMAGES)) {
    assert.equal(compose.services[c]?.build?.dockerfile, file, c);
    assert.equal(compose.services[c].build.target, target, c);
    assert.equal(compose.services[c].build.context, ".");
    // The names images build and push make (scripts/lib/image-names.sh), no registry by default.
    assert.equal(
      compose.services[c].image,
      `\${VMPULSE_IMAGE_PREFIX:-localhost}/vmpulse-${c}:\${VMPULSE_IMAGE_TAG:-dev}`,
    );
  }
  for (const c of ["db", "migrate", "ingress"]) assert.ok(compose.services[c], c);
});

test("secrets come from the environment or files and are required; tokens only from files", () => {
  const text = read("compose.yaml");
  const url = compose.services.api.environment.VMPULSE_DB_URL;
  assert.match(url, /^mysql:\/\/vmpulse_ingest:\$\{VMPULSE_DB_INGEST_PASSWORD:\?[^}]+\}@/);
  assert.match(compose.services["node-api"].environment.VMPULSE_DB_URL, /^mysql:\/\/vmpulse_ingest:/);
  assert.match(
    compose.services.hub.environment.VMPULSE_DB_URL,
    /^mysql:\/\/vmpulse_hub:\$\{VMPULSE_DB_HUB_PASSWORD:\?[^}]+\}@/,
  );
  const m = compose.services.migrate.environment;
  assert.equal(
    m.MYSQL_USER,
    compose.services.db.environment.MYSQL_USER,
    "the migrate one-shot runs as the migrate user",
  );
  assert.match(m.MYSQL_PWD, /^\$\{VMPULSE_DB_PASSWORD:\?/);
  assert.match(m.INGEST_DB_PASSWORD, /^\$\{VMPULSE_DB_INGEST_PASSWORD:\?/);
  assert.match(m.HUB_DB_PASSWORD, /^\$\{VMPULSE_DB_HUB_PASSWORD:\?/);
  assert.ok(compose.services.migrate.volumes.includes(`./db/grants.sql:${m.GRANTS_FILE}:ro`));
  for (const c of ["api", "node-api", "agent"]) {
    assert.equal(compose.services[c].environment.VMPULSE_TOKEN_FILE, "/run/secrets/ingest-token", c);
    assert.deepEqual(compose.services[c].secrets, ["ingest-token"], c);
  }
  assert.equal(compose.services.hub.environment.VMPULSE_VIEWER_TOKEN_FILE, "/run/secrets/viewer-token");
  for (const [name, secret] of Object.entries(compose.secrets)) {
    assert.equal(secret.file, `\${VMPULSE_SECRETS_DIR:-./.secrets}/${name}`, name);
  }
  assert.doesNotMatch(text, /VMPULSE_(VIEWER_)?TOKEN:/, "a token in an environment variable");
  assert.match(compose.services.db.environment.MYSQL_PASSWORD, /^\$\{VMPULSE_DB_PASSWORD:\?/);
  assert.doesNotMatch(text, /MYSQL_ROOT_PASSWORD:/);
  assert.equal(compose.services.hub.environment.VMPULSE_TOKEN, undefined, "the hub does not need the ingest token");
});

test("application services are hardened", () => {
  for (const c of ["db", "api", "hub", "node-api", "agent", "dashboard", "ingress", "migrate"]) {
    const s = compose.services[c];
    assert.equal(s.read_only, true, `${c}: read_only`);
    assert.deepEqual(s.cap_drop, ["ALL"], `${c}: cap_drop`);
    assert.ok((s.security_opt ?? []).includes("no-new-privileges:true"), `${c}: no-new-privileges`);
  }
});

test("the routes wait for the migrations, which wait for a healthy database", () => {
  assert.equal(compose.services.migrate.depends_on.db.condition, "service_healthy");
  for (const c of ["api", "node-api", "hub"]) {
    assert.equal(compose.services[c].depends_on.migrate.condition, "service_completed_successfully", c);
  }
  const mounts = compose.services.migrate.volumes.join(" ");
  assert.match(mounts, /\.\/deploy\/k8s\/base\/migrate\/migrate\.sh:/);
  assert.match(mounts, /\.\/db\/migrations:\/migrations:ro/);
});

test("the agent sees the host: PID namespace and /proc read-only at /host/proc", () => {
  const agent = compose.services.agent;
  assert.equal(agent.pid, "host");
  assert.ok(agent.volumes.includes("/proc:/host/proc:ro"));
  // It pushes through the ingress, as an agent on any VM does.
  assert.equal(agent.environment.VMPULSE_PUSH_URL, "http://ingress:8080/api/metrics");
  assert.match(read("deploy/docker/cpp.Dockerfile"), /"--procfs", "\/host\/proc"/);
});

test("the ingress splits /api/metrics 50/50 with split_clients and serves WebSockets for an hour", () => {
  const conf = read("deploy/docker/ingress/nginx.conf");
  const split = conf.match(/split_clients\s+"\$\{request_id\}"\s+\$(\w+)\s*\{([^}]*)\}/);
  assert.ok(split, "no split_clients on $request_id");
  const entries = split[2]
    .trim()
    .split(/;\s*/)
    .filter(Boolean)
    .map((e) => e.trim().split(/\s+/));
  assert.deepEqual(entries, [
    ["50%", "vmpulse_api"],
    ["*", "vmpulse_node_api"],
  ]);
  assert.match(conf, new RegExp(`location = /api/metrics \\{ proxy_pass http://\\$${split[1]}; \\}`));
  assert.match(conf, /location = \/ws \{[^}]*proxy_read_timeout 3600s;/s);
  assert.ok(compose.services.ingress.volumes.includes("./deploy/docker/ingress/nginx.conf:/etc/nginx/nginx.conf:ro"));
});
