// Every kustomize overlay renders, every object validates against its schema, and the
// rendered objects keep the promises of docs/deploy.md: probes, limits, a hardened
// pod, autoscaling and disruption budgets, NetworkPolicies, the 50/50 split, the
// migrations, a valid namespace, and deploy.sh's per-project values.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { OVERLAYS, render, renderDeploy, validate, byKind, named, podSpec } from "./lib/manifests.js";
import {
  APPS,
  podProblems,
  probeProblems,
  scalingProblems,
  namespaceProblems,
  networkProblems,
  splitProblems,
  canaryProblems,
  ingressPaths,
} from "./lib/checks.js";
import { ROOT, read } from "./lib/repo.js";

const rendered = Object.fromEntries(OVERLAYS.map((o) => [o, render(o)]));
const DEPLOY_ENV = {
  VMPULSE_GCP_PROJECT: "vmpulse-test-1",
  VMPULSE_NAMESPACE: "team-a",
  VMPULSE_IMAGE_PREFIX: "docker.io/someone",
  VMPULSE_IMAGE_TAG: "v9.8.7",
  VMPULSE_DOMAIN: "metrics.example.org",
};
const deployRendered = {
  gateway: renderDeploy(DEPLOY_ENV),
  "ingress-nginx": renderDeploy(DEPLOY_ENV, ["--overlay", "ingress-nginx"]),
};

const gatewayPeer = (peer) =>
  !!peer.ipBlock && ["35.191.0.0/16", "130.211.0.0/22"].includes(peer.ipBlock.cidr) && !peer.ipBlock.except;
const nginxPeer = (peer) =>
  peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "ingress-nginx" &&
  peer.podSelector?.matchLabels?.["app.kubernetes.io/name"] === "ingress-nginx";

for (const [name, objs] of [
  ...Object.entries(rendered),
  ...Object.entries(deployRendered).map(([k, v]) => [`deploy.sh --render ${k}`, v]),
]) {
  test(`${name}: every object validates against its schema`, async () => {
    assert.ok(objs.length > 10, `only ${objs.length} objects rendered`);
    const errors = [];
    for (const o of objs) {
      try {
        await validate(o);
      } catch (e) {
        errors.push(`${o.kind}/${o.metadata?.name}: ${e.message}`);
      }
    }
    assert.deepEqual(errors, []);
  });

  test(`${name}: pods run hardened, with requests, limits and probes`, () => {
    const problems = [];
    for (const o of [...byKind(objs, "Deployment"), ...byKind(objs, "Job")]) {
      problems.push(...podProblems(o, podSpec(o)));
      if (o.kind === "Deployment") problems.push(...probeProblems(o));
    }
    assert.deepEqual(problems, []);
  });

  test(`${name}: api, node-api and hub have a Service, an HPA on CPU and a PodDisruptionBudget`, () => {
    assert.deepEqual(scalingProblems(objs), []);
  });

  test(`${name}: no Secret is rendered; every secret reference is one deploy.sh creates`, () => {
    assert.deepEqual(
      byKind(objs, "Secret").map((s) => s.metadata.name),
      [],
    );
    const created = {
      "vmpulse-db": ["user", "password"],
      "vmpulse-db-ingest": ["user", "password", "url"],
      "vmpulse-db-hub": ["user", "password", "url"],
      "vmpulse-ingest": ["token"],
      "vmpulse-viewer": ["token"],
    };
    const deploySh = read("deploy/gcp/deploy.sh");
    for (const [secret, keys] of Object.entries(created)) {
      assert.match(deploySh, new RegExp(`apply_secret ${secret} [a-z-]+ ${keys.join(" ")}\\n`));
    }
    const refs = JSON.stringify(objs).match(/"secretKeyRef":\{[^}]*\}/g) ?? [];
    assert.ok(refs.length >= 7, `only ${refs.length} secret references`);
    for (const ref of refs) {
      const { name: secret, key } = JSON.parse(`{${ref}}`).secretKeyRef;
      assert.ok(created[secret]?.includes(key), `reference to ${secret}/${key}, which deploy.sh does not create`);
    }
  });

  test(`${name}: every ConfigMap key a pod reads exists`, () => {
    const maps = byKind(objs, "ConfigMap");
    const refs = JSON.stringify(objs).match(/"configMapKeyRef":\{[^}]*\}/g) ?? [];
    assert.ok(refs.length > 0);
    for (const ref of refs) {
      const { name: cm, key } = JSON.parse(`{${ref}}`).configMapKeyRef;
      const map = maps.find((m) => m.metadata.name === cm);
      assert.ok(map, `ConfigMap ${cm} is not rendered`);
      assert.ok(Object.hasOwn(map.data, key), `ConfigMap ${cm} has no key ${key}`);
    }
  });
}

for (const name of OVERLAYS) {
  test(`${name}: everything is in the namespace so1-fase2, a DNS-1123 name`, () => {
    assert.deepEqual(namespaceProblems(rendered[name], "so1-fase2"), []);
  });
}

test("base: the migration Job carries every db/migrations file, unchanged, and the migrate script", () => {
  const objs = rendered.base;
  const migrations = byKind(objs, "ConfigMap").find((m) => m.metadata.name.startsWith("vmpulse-migrations"));
  assert.ok(migrations, "no vmpulse-migrations ConfigMap");
  const files = fs
    .readdirSync(path.join(ROOT, "db/migrations"))
    .filter((f) => f.endsWith(".sql"))
    .sort();
  assert.ok(files.length > 0);
  assert.deepEqual(Object.keys(migrations.data).sort(), files, "run deploy/k8s/sync-db.sh");
  for (const f of files) assert.equal(migrations.data[f], read(`db/migrations/${f}`));
  const script = byKind(objs, "ConfigMap").find((m) => m.metadata.name.startsWith("vmpulse-migrate-script"));
  assert.equal(script.data["migrate.sh"], read("deploy/k8s/base/migrate/migrate.sh"));
  const job = named(objs, "Job", "vmpulse-migrate");
  const volumes = job.spec.template.spec.volumes.map((v) => v.configMap?.name).filter(Boolean);
  assert.ok(volumes.includes(migrations.metadata.name) && volumes.includes(script.metadata.name));
  assert.match(job.spec.template.spec.containers[0].image, /^mysql:8\.0\.\d+$/);
});

test("base: the database proxy is the Cloud SQL Auth Proxy, pinned, with its instance from the config", () => {
  const dep = named(rendered.base, "Deployment", "cloudsql-proxy");
  const c = dep.spec.template.spec.containers[0];
  assert.match(c.image, /^gcr\.io\/cloud-sql-connectors\/cloud-sql-proxy:2\.\d+\.\d+$/);
  assert.ok(c.args.includes("$(CLOUDSQL_INSTANCE)"));
  assert.equal(dep.spec.template.spec.serviceAccountName, "cloudsql-proxy");
  assert.ok(named(rendered.base, "Service", "cloudsql-proxy"));
});

test("gateway: NetworkPolicies let only Google's front ends reach the apps, and only the apps reach the proxy", () => {
  assert.deepEqual(networkProblems(rendered["overlays/gateway"], gatewayPeer), []);
});

test("ingress-nginx: NetworkPolicies let only the controller reach the apps, and only the apps reach the proxy", () => {
  assert.deepEqual(networkProblems(rendered["overlays/ingress-nginx"], nginxPeer), []);
});

test("base alone has no front door: nothing may reach the apps", () => {
  const problems = networkProblems(rendered.base, () => true);
  assert.deepEqual(problems.sort(), APPS.map((a) => `nothing may reach ${a} (no front door)`).sort());
});

test("gateway: one HTTPRoute rule splits /api/metrics 50/50 between api and node-api", () => {
  assert.deepEqual(splitProblems(byKind(rendered["overlays/gateway"], "HTTPRoute")), []);
});

test("gateway: direct paths, hub paths, ports and parents of the routes", () => {
  const objs = rendered["overlays/gateway"];
  const gw = named(objs, "Gateway", "vmpulse");
  assert.equal(gw.spec.gatewayClassName, "gke-l7-global-external-managed");
  const routes = byKind(objs, "HTTPRoute");
  const target = (p) =>
    routes
      .flatMap((r) => r.spec.rules ?? [])
      .filter((rule) => (rule.matches ?? []).some((m) => m.path?.value === p))
      .flatMap((rule) => (rule.backendRefs ?? []).map((b) => b.name));
  assert.deepEqual(target("/api/cpp"), ["api"]);
  assert.deepEqual(target("/api/nodejs"), ["node-api"]);
  for (const p of ["/ws", "/api/history", "/api/split", "/api/vms", "/api/processes", "/api/alerts", "/api/silences"])
    assert.deepEqual(target(p), ["hub"], p);
  for (const r of routes) {
    for (const parent of r.spec.parentRefs) {
      const g = named(objs, "Gateway", parent.name);
      assert.ok(g, `${r.metadata.name} attaches to a missing Gateway ${parent.name}`);
      if (parent.sectionName) assert.ok(g.spec.listeners.some((l) => l.name === parent.sectionName));
    }
    for (const b of (r.spec.rules ?? []).flatMap((rule) => rule.backendRefs ?? [])) {
      const svc = named(objs, "Service", b.name);
      assert.ok(svc, `backend ${b.name} has no Service`);
      assert.ok(
        svc.spec.ports.some((p) => p.port === b.port),
        `Service ${b.name} has no port ${b.port}`,
      );
    }
  }
});

test("gateway: the hub's backend timeout allows hour-long WebSockets; health checks hit /livez", () => {
  const objs = rendered["overlays/gateway"];
  const policies = byKind(objs, "GCPBackendPolicy");
  const hub = policies.find((p) => p.spec.targetRef.kind === "Service" && p.spec.targetRef.name === "hub");
  assert.ok(hub, "no GCPBackendPolicy for the hub");
  assert.ok(hub.spec.default.timeoutSec >= 3600, `hub timeout ${hub.spec.default.timeoutSec}`);
  for (const app of APPS) {
    const hc = byKind(objs, "HealthCheckPolicy").find((p) => p.spec.targetRef.name === app);
    assert.ok(hc, `no HealthCheckPolicy for ${app}`);
    const svc = named(objs, "Service", app);
    assert.equal(hc.spec.default.config.httpHealthCheck.requestPath, "/livez");
    assert.equal(hc.spec.default.config.httpHealthCheck.port, svc.spec.ports[0].port);
  }
});

test("ingress-nginx: a primary Ingress and a canary at weight 50 on the same host and path", () => {
  assert.deepEqual(canaryProblems(byKind(rendered["overlays/ingress-nginx"], "Ingress")), []);
});

test("ingress-nginx: every path reaches the service it should", () => {
  const ingresses = byKind(rendered["overlays/ingress-nginx"], "Ingress");
  const primary = ingresses.find((i) => i.metadata.annotations?.["nginx.ingress.kubernetes.io/canary"] !== "true");
  const to = Object.fromEntries(ingressPaths(primary).map((p) => [p.path, p.service]));
  assert.deepEqual(to, {
    "/api/metrics": "api",
    "/api/cpp": "api",
    "/api/nodejs": "node-api",
    "/ws": "hub",
    "/api/history": "hub",
    "/api/split": "hub",
    "/api/vms": "hub",
    "/api/processes": "hub",
    "/api/alerts": "hub",
    "/api/silences": "hub",
  });
});

test("deploy.sh --render: the project's namespace, image tags, Cloud SQL instance and identities", () => {
  for (const [overlay, objs] of Object.entries(deployRendered)) {
    assert.deepEqual(namespaceProblems(objs, "team-a"), [], overlay);
    const images = [...byKind(objs, "Deployment"), ...byKind(objs, "Job")].flatMap((o) =>
      podSpec(o).containers.map((c) => c.image),
    );
    for (const app of APPS)
      assert.ok(images.includes(`docker.io/someone/vmpulse-${app}:v9.8.7`), `${overlay}: ${app} image`);
    assert.ok(
      images.every((i) => !i.startsWith("vmpulse/")),
      `${overlay}: an image kept its placeholder name`,
    );
    const config = byKind(objs, "ConfigMap").find((m) => m.metadata.name.startsWith("vmpulse-config"));
    assert.equal(config.data.CLOUDSQL_INSTANCE, "vmpulse-test-1:us-central1:vmpulse-mysql");
    assert.match(config.data.DASHBOARD_ORIGIN, /^https:\/\/vmpulse-dashboard-\d+\.us-central1\.run\.app$/);
    const sa = named(objs, "ServiceAccount", "cloudsql-proxy");
    assert.equal(
      sa.metadata.annotations["iam.gke.io/gcp-service-account"],
      "vmpulse-sql@vmpulse-test-1.iam.gserviceaccount.com",
    );
  }
  const hosts = byKind(deployRendered["ingress-nginx"], "Ingress").flatMap((i) => i.spec.rules.map((r) => r.host));
  assert.deepEqual([...new Set(hosts)], ["metrics.example.org"]);
  assert.deepEqual(canaryProblems(byKind(deployRendered["ingress-nginx"], "Ingress")), []);
});

// The checks themselves must be able to fail.
test("the validators reject broken objects", async () => {
  const route = structuredClone(named(rendered["overlays/gateway"], "HTTPRoute", "vmpulse"));
  route.spec.rules[0].backendRefs[0].weight = "fifty";
  await assert.rejects(validate(route));
  await assert.rejects(validate({ apiVersion: "example.com/v1", kind: "Thing", metadata: { name: "x" } }), /no schema/);
  const dep = structuredClone(named(rendered.base, "Deployment", "api"));
  dep.spec.replicas = "two";
  await assert.rejects(validate(dep));
});

test("the property checks catch a wrong split, a lax pod, a bad canary and a bad namespace", () => {
  const route = structuredClone(named(rendered["overlays/gateway"], "HTTPRoute", "vmpulse"));
  route.spec.rules[0].backendRefs[0].weight = 70;
  route.spec.rules[0].backendRefs[1].weight = 30;
  assert.ok(splitProblems([route]).some((p) => /not 50\/50/.test(p)));
  const dep = structuredClone(named(rendered.base, "Deployment", "hub"));
  delete dep.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem;
  delete dep.spec.template.spec.containers[0].resources.limits;
  delete dep.spec.template.spec.containers[0].readinessProbe;
  assert.equal(podProblems(dep, podSpec(dep)).length, 3);
  assert.equal(probeProblems(dep).length, 2);
  const ingresses = structuredClone(byKind(rendered["overlays/ingress-nginx"], "Ingress"));
  const canary = ingresses.find((i) => i.metadata.name === "vmpulse-canary");
  canary.metadata.annotations["nginx.ingress.kubernetes.io/canary-weight"] = "30";
  canary.spec.rules[0].host = "other.example.com";
  assert.equal(canaryProblems(ingresses).length, 2);
  assert.ok(namespaceProblems(rendered.base, "so1_fase2").length > 0);
});

test("only the ingest routes receive the ingest token; only database clients the database secret", () => {
  const objs = rendered["overlays/gateway"];
  const secretsOf = (o) =>
    new Set(
      (JSON.stringify(podSpec(o)).match(/"secretKeyRef":\{[^}]*\}/g) ?? []).map(
        (r) => JSON.parse(`{${r}}`).secretKeyRef.name,
      ),
    );
  const holders = (secret) =>
    [...byKind(objs, "Deployment"), ...byKind(objs, "Job")]
      .filter((o) => secretsOf(o).has(secret))
      .map((o) => o.metadata.name)
      .sort();
  assert.deepEqual(holders("vmpulse-ingest"), ["api", "node-api"]);
  assert.deepEqual(holders("vmpulse-db"), ["vmpulse-migrate"]);
  assert.deepEqual(holders("vmpulse-db-ingest"), ["api", "node-api", "vmpulse-migrate"]);
  assert.deepEqual(holders("vmpulse-db-hub"), ["hub", "vmpulse-migrate"]);
});

// Least privilege: each service connects as its own database user; only the migration
// Job holds the migrate user, and it creates the others with db/grants.sql.
test("each service's database URL is its own user's; the Job grants db/grants.sql", () => {
  const objs = rendered["overlays/gateway"];
  const urlSecret = (name) =>
    podSpec(named(objs, "Deployment", name)).containers[0].env.find((e) => e.name === "VMPULSE_DB_URL").valueFrom
      .secretKeyRef.name;
  assert.equal(urlSecret("api"), "vmpulse-db-ingest");
  assert.equal(urlSecret("node-api"), "vmpulse-db-ingest");
  assert.equal(urlSecret("hub"), "vmpulse-db-hub");
  const job = named(objs, "Job", "vmpulse-migrate");
  const env = Object.fromEntries(podSpec(job).containers[0].env.map((e) => [e.name, e]));
  for (const v of ["INGEST_DB_USER", "INGEST_DB_PASSWORD", "HUB_DB_USER", "HUB_DB_PASSWORD", "GRANTS_FILE"])
    assert.ok(env[v], v);
  const grants = byKind(objs, "ConfigMap").find((m) => m.metadata.name.startsWith("vmpulse-grants"));
  assert.equal(grants?.data["grants.sql"], read("db/grants.sql"));
  const mount = podSpec(job).containers[0].volumeMounts.find((m) =>
    env.GRANTS_FILE.value.startsWith(`${m.mountPath}/`),
  );
  const volume = podSpec(job).volumes.find((v) => v.name === mount?.name);
  assert.equal(volume?.configMap?.name, grants.metadata.name);
  const grantLines = read("db/grants.sql")
    .split("\n")
    .filter((l) => /^GRANT\b/.test(l));
  const tableOf = (l) => l.match(/ON `@DB@`\.(\w+)/)?.[1];
  assert.ok(grantLines.length > 10, "grants.sql has its GRANT lines");
  for (const l of grantLines) assert.doesNotMatch(l, /\bALL\b|GRANT OPTION|\*/, l);
  // ALTER and DROP only for the hub's retention on metricas' day partitions
  // (REORGANIZE and DROP PARTITION); never on another table, never for another user.
  const ddl = grantLines.filter((l) => /\b(ALTER|DROP|CREATE)\b/.test(l));
  assert.deepEqual(ddl, ["GRANT SELECT, ALTER, DROP ON `@DB@`.metricas TO @HUB@;"]);
  // DELETE only where a row is state, not a record (an alert that resolved, a silence
  // lifted or expired), and on the rollup tiers the hub expires row by row. Never on
  // metricas (expired by partition) or the per-route counts.
  const deletes = grantLines.filter((l) => /\bDELETE\b/.test(l)).map(tableOf);
  assert.deepEqual(deletes.sort(), ["alertas", "metricas_hora", "metricas_minuto", "silencios"]);
  assert.ok(
    deletes.every((t) => grantLines.find((l) => tableOf(l) === t && /\bDELETE\b/.test(l)).endsWith("TO @HUB@;")),
  );
});

// The edge numbers have one source, config/defaults.env.
const defaults = Object.fromEntries(
  read("config/defaults.env")
    .split("\n")
    .filter((l) => /^[A-Z_]+=/.test(l))
    .map((l) => l.split("=", 2)),
);

test("ingress-nginx: HTTPS with a certificate Secret, HTTP redirected, per-client limits from config/defaults.env", () => {
  for (const objs of [rendered["overlays/ingress-nginx"], deployRendered["ingress-nginx"]]) {
    const ingresses = byKind(objs, "Ingress");
    const primary = ingresses.find((i) => i.metadata.annotations?.["nginx.ingress.kubernetes.io/canary"] !== "true");
    const a = primary.metadata.annotations;
    assert.equal(a["nginx.ingress.kubernetes.io/force-ssl-redirect"], "true");
    assert.equal(a["nginx.ingress.kubernetes.io/ssl-redirect"], "true");
    assert.equal(a["nginx.ingress.kubernetes.io/limit-rps"], defaults.VMPULSE_EDGE_RATE);
    assert.equal(
      Number(a["nginx.ingress.kubernetes.io/limit-rps"]) *
        Number(a["nginx.ingress.kubernetes.io/limit-burst-multiplier"]),
      Number(defaults.VMPULSE_EDGE_BURST),
    );
    assert.equal(a["nginx.ingress.kubernetes.io/limit-connections"], defaults.VMPULSE_EDGE_CONNS);
    for (const ing of ingresses) {
      const hosts = ing.spec.rules.map((r) => r.host);
      assert.equal(ing.spec.tls?.length, 1, `${ing.metadata.name} has no tls section`);
      assert.equal(ing.spec.tls[0].secretName, "vmpulse-tls");
      assert.deepEqual(
        ing.spec.tls[0].hosts,
        [...new Set(hosts)],
        `${ing.metadata.name}: the certificate's hosts are not the rules' hosts`,
      );
    }
  }
});

test("gateway: HTTPS only (port 80 only redirects) and every backend behind the Cloud Armor limit setup makes", () => {
  const objs = rendered["overlays/gateway"];
  const gw = named(objs, "Gateway", "vmpulse");
  const https = gw.spec.listeners.find((l) => l.protocol === "HTTPS");
  assert.ok(https && gw.metadata.annotations["networking.gke.io/certmap"]);
  const http = gw.spec.listeners.find((l) => l.protocol === "HTTP");
  for (const r of byKind(objs, "HTTPRoute")) {
    for (const parent of r.spec.parentRefs) {
      if (parent.sectionName !== http.name) continue;
      for (const rule of r.spec.rules) {
        assert.deepEqual(rule.backendRefs ?? [], [], `${r.metadata.name} serves plain HTTP`);
        assert.equal(rule.filters?.[0]?.requestRedirect?.scheme, "https");
      }
    }
  }
  const setup = read("deploy/gcp/setup.sh") + read("deploy/gcp/lib.sh");
  const policy = /EDGE_POLICY="([^"]+)"/.exec(setup)[1];
  for (const app of APPS) {
    const p = byKind(objs, "GCPBackendPolicy").find((x) => x.spec.targetRef.name === app);
    assert.equal(p?.spec.default.securityPolicy, policy, `${app} is not behind ${policy}`);
  }
  assert.match(
    read("tests/deploy/expected/setup.txt"),
    /security-policies rules create 1000 .*--action=throttle .*--exceed-action=deny-429 .*--enforce-on-key=IP/,
  );
});

test("the GCP scripts never put a password on a command line", () => {
  for (const f of ["deploy/gcp/setup.sh", "deploy/gcp/deploy.sh", "deploy/gcp/lib.sh", "deploy/gcp/cleanup.sh"]) {
    const text = read(f);
    assert.doesNotMatch(text, /--password[= ]/, `${f} passes --password`);
    assert.doesNotMatch(text, /mysql(?:admin)? [^\n]*-p\S/, `${f} passes -p to a MySQL client`);
    assert.doesNotMatch(text, /--from-literal/, `${f} puts a Secret's value on kubectl's command line`);
  }
});
