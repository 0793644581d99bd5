// The properties the deployment promises, as functions over rendered objects. Each
// returns a list of problems (empty when all is well), so a test can show every
// problem at once and the negative tests can feed them broken objects.
import { byKind, named } from "./manifests.js";

export const APPS = ["api", "node-api", "hub"];
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "GatewayClass"]);

// Pod Security Standards, "restricted" profile, plus a read-only root filesystem and
// resource requests/limits on every container.
export function podProblems(owner, spec) {
  const p = [];
  const where = `${owner.kind}/${owner.metadata.name}`;
  const psc = spec.securityContext ?? {};
  if (psc.runAsNonRoot !== true) p.push(`${where}: pod securityContext.runAsNonRoot is not true`);
  if (psc.runAsUser === 0) p.push(`${where}: pod runs as UID 0`);
  if (psc.seccompProfile?.type !== "RuntimeDefault") p.push(`${where}: seccompProfile is not RuntimeDefault`);
  for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
    if (spec[field]) p.push(`${where}: ${field} is set`);
  }
  for (const v of spec.volumes ?? []) {
    if (v.hostPath) p.push(`${where}: hostPath volume ${v.name}`);
  }
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    const at = `${where} container ${c.name}`;
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) p.push(`${at}: allowPrivilegeEscalation is not false`);
    if (sc.readOnlyRootFilesystem !== true) p.push(`${at}: readOnlyRootFilesystem is not true`);
    if (sc.privileged) p.push(`${at}: privileged`);
    if (sc.runAsUser === 0) p.push(`${at}: runs as UID 0`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) p.push(`${at}: capabilities do not drop ALL`);
    if ((sc.capabilities?.add ?? []).length) p.push(`${at}: adds capabilities`);
    for (const kind of ["requests", "limits"]) {
      for (const res of ["cpu", "memory"]) {
        if (c.resources?.[kind]?.[res] === undefined) p.push(`${at}: no ${res} ${kind.replace(/s$/, "")}`);
      }
    }
    if (!c.image || /:latest$/.test(c.image) || !/[:@]/.test(c.image)) {
      if (!/^vmpulse\//.test(c.image ?? "")) p.push(`${at}: image ${c.image} is not pinned`);
    }
  }
  return p;
}

export function probeProblems(dep) {
  const p = [];
  for (const c of dep.spec.template.spec.containers) {
    const at = `Deployment/${dep.metadata.name} container ${c.name}`;
    for (const probe of ["livenessProbe", "readinessProbe"]) {
      if (!c[probe]?.httpGet?.path) p.push(`${at}: no HTTP ${probe}`);
    }
    if (APPS.includes(dep.metadata.name)) {
      if (c.livenessProbe?.httpGet?.path !== "/livez") p.push(`${at}: livenessProbe is not /livez`);
      if (c.readinessProbe?.httpGet?.path !== "/readyz") p.push(`${at}: readinessProbe is not /readyz`);
    }
    const ports = new Set((c.ports ?? []).flatMap((port) => [port.name, port.containerPort]));
    for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
      const port = c[probe]?.httpGet?.port;
      if (port !== undefined && !ports.has(port)) p.push(`${at}: ${probe} port ${port} is not a container port`);
    }
  }
  return p;
}

const matches = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);

// Label selector (matchLabels + matchExpressions In/NotIn/Exists) against labels.
export function selects(selector, labels) {
  if (!selector) return false;
  if (!matches(selector.matchLabels, labels)) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels ?? {}, e.key);
    if (e.operator === "In" && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === "NotIn" && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

export function scalingProblems(objs) {
  const p = [];
  for (const name of APPS) {
    const dep = named(objs, "Deployment", name);
    if (!dep) {
      p.push(`no Deployment ${name}`);
      continue;
    }
    const labels = dep.spec.template.metadata.labels;
    const hpa = byKind(objs, "HorizontalPodAutoscaler").find((h) => h.spec.scaleTargetRef?.name === name);
    if (!hpa) p.push(`no HorizontalPodAutoscaler for ${name}`);
    else {
      if (hpa.spec.scaleTargetRef.kind !== "Deployment")
        p.push(`HPA ${hpa.metadata.name} does not target a Deployment`);
      const cpu = (hpa.spec.metrics ?? []).find((m) => m.type === "Resource" && m.resource?.name === "cpu");
      if (!cpu?.resource.target?.averageUtilization)
        p.push(`HPA ${hpa.metadata.name} does not scale on CPU utilization`);
      if (!(hpa.spec.minReplicas >= 2)) p.push(`HPA ${hpa.metadata.name} allows fewer than 2 replicas`);
      if (!(hpa.spec.maxReplicas > hpa.spec.minReplicas)) p.push(`HPA ${hpa.metadata.name} cannot scale up`);
    }
    const pdb = byKind(objs, "PodDisruptionBudget").find((b) => selects(b.spec.selector, labels));
    if (!pdb) p.push(`no PodDisruptionBudget selects ${name}'s pods`);
    else if (pdb.spec.minAvailable === undefined && pdb.spec.maxUnavailable === undefined) {
      p.push(`PodDisruptionBudget ${pdb.metadata.name} sets no budget`);
    }
    const svc = named(objs, "Service", name);
    if (!svc) p.push(`no Service ${name}`);
    else if (!matches(svc.spec.selector, labels)) p.push(`Service ${name} does not select its Deployment's pods`);
  }
  return p;
}

export function namespaceProblems(objs, expected) {
  const p = [];
  if (!DNS1123_LABEL.test(expected)) p.push(`namespace ${expected} is not a DNS-1123 label`);
  const nss = byKind(objs, "Namespace");
  if (nss.length !== 1 || nss[0].metadata.name !== expected) {
    p.push(`want exactly one Namespace ${expected}, got ${nss.map((n) => n.metadata.name).join(", ") || "none"}`);
  }
  for (const o of objs) {
    if (CLUSTER_SCOPED.has(o.kind)) continue;
    if (o.metadata.namespace !== expected)
      p.push(`${o.kind}/${o.metadata.name} is in namespace ${o.metadata.namespace}`);
  }
  return p;
}

// Who may reach the pods of each Deployment/Job, following the NetworkPolicies.
export function networkProblems(objs, frontDoorIsAllowed) {
  const p = [];
  const policies = byKind(objs, "NetworkPolicy");
  const pods = [...byKind(objs, "Deployment"), ...byKind(objs, "Job")].map((o) => ({
    name: o.metadata.name,
    labels: o.spec.template.metadata.labels,
  }));
  const ingressPolicies = (labels) =>
    policies.filter(
      (np) => (np.spec.policyTypes ?? ["Ingress"]).includes("Ingress") && selects(np.spec.podSelector, labels),
    );

  const deny = policies.find(
    (np) => Object.keys(np.spec.podSelector ?? {}).length === 0 && !(np.spec.ingress ?? []).length,
  );
  if (!deny) p.push("no default-deny ingress NetworkPolicy");

  for (const pod of pods) {
    for (const np of ingressPolicies(pod.labels)) {
      for (const rule of np.spec.ingress ?? []) {
        if (!rule.from || rule.from.length === 0) p.push(`${np.metadata.name} lets anyone reach ${pod.name}`);
      }
    }
  }
  for (const name of APPS) {
    const pod = pods.find((x) => x.name === name);
    if (!pod) continue;
    const rules = ingressPolicies(pod.labels).flatMap((np) => np.spec.ingress ?? []);
    if (!rules.length) p.push(`nothing may reach ${name} (no front door)`);
    for (const rule of rules) {
      for (const peer of rule.from ?? []) {
        if (!frontDoorIsAllowed(peer))
          p.push(`${name} is reachable from ${JSON.stringify(peer)}, not only the front door`);
      }
    }
  }
  const proxy = pods.find((x) => x.name === "cloudsql-proxy");
  if (!proxy) p.push("no cloudsql-proxy Deployment");
  else {
    const rules = ingressPolicies(proxy.labels).flatMap((np) => np.spec.ingress ?? []);
    if (!rules.length) p.push("nothing may reach the database proxy");
    const allowed = new Set();
    for (const rule of rules) {
      for (const peer of rule.from ?? []) {
        if (peer.ipBlock || peer.namespaceSelector || !peer.podSelector) {
          p.push(`the database proxy is reachable from outside the namespace: ${JSON.stringify(peer)}`);
          continue;
        }
        for (const pod of pods) if (selects(peer.podSelector, pod.labels)) allowed.add(pod.name);
      }
    }
    const want = [...APPS, "vmpulse-migrate"].sort();
    const got = [...allowed].sort();
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      p.push(`the database proxy is reachable from ${got.join(", ")}; want exactly ${want.join(", ")}`);
    }
  }
  return p;
}

// One rule on /api/metrics with two backends, api and node-api, at 50 each.
export function splitProblems(routes) {
  const p = [];
  const rules = routes.flatMap((r) => r.spec.rules ?? []);
  const metricRules = rules.filter((rule) => (rule.matches ?? []).some((m) => m.path?.value === "/api/metrics"));
  if (metricRules.length !== 1) return [`want one rule for /api/metrics, found ${metricRules.length}`];
  const refs = metricRules[0].backendRefs ?? [];
  const names = refs.map((b) => b.name).sort();
  if (JSON.stringify(names) !== JSON.stringify(["api", "node-api"]))
    p.push(`/api/metrics backends are ${names.join(", ")}`);
  const weights = refs.map((b) => b.weight ?? 1);
  if (weights.reduce((a, b) => a + b, 0) !== 100)
    p.push(`/api/metrics weights sum to ${weights.reduce((a, b) => a + b, 0)}, not 100`);
  if (!refs.every((b) => b.weight === 50)) p.push(`/api/metrics weights are ${weights.join("/")}, not 50/50`);
  return p;
}

// The hostname and path a rule of an Ingress routes to a backend service.
export function ingressPaths(ing) {
  return (ing.spec.rules ?? []).flatMap((rule) =>
    (rule.http?.paths ?? []).map((pth) => ({
      host: rule.host,
      path: pth.path,
      pathType: pth.pathType,
      service: pth.backend?.service?.name,
      port: pth.backend?.service?.port?.number,
    })),
  );
}

export function canaryProblems(ingresses) {
  const p = [];
  const isCanary = (i) => i.metadata.annotations?.["nginx.ingress.kubernetes.io/canary"] === "true";
  const canaries = ingresses.filter(isCanary);
  const primaries = ingresses.filter((i) => !isCanary(i));
  if (canaries.length !== 1 || primaries.length !== 1) {
    return [`want one primary and one canary Ingress, got ${primaries.length} and ${canaries.length}`];
  }
  const [canary] = canaries;
  const [primary] = primaries;
  const ann = canary.metadata.annotations;
  if (ann["nginx.ingress.kubernetes.io/canary-weight"] !== "50") p.push("canary-weight is not 50");
  const total = ann["nginx.ingress.kubernetes.io/canary-weight-total"];
  if (total !== undefined && total !== "100") p.push(`canary-weight-total is ${total}, not 100`);
  if (canary.spec.ingressClassName !== primary.spec.ingressClassName)
    p.push("canary and primary use different ingress classes");
  const cPaths = ingressPaths(canary);
  if (cPaths.length !== 1) p.push(`the canary routes ${cPaths.length} paths, want 1`);
  for (const c of cPaths) {
    const same = ingressPaths(primary).find((x) => x.host === c.host && x.path === c.path && x.pathType === c.pathType);
    if (!same) p.push(`the primary has no ${c.host}${c.path} (${c.pathType}) for the canary to split`);
    else if (same.service === c.service) p.push(`primary and canary both send ${c.path} to ${c.service}`);
    else if (
      new Set([same.service, c.service]).size !== 2 ||
      ![same.service, c.service].includes("api") ||
      ![same.service, c.service].includes("node-api")
    ) {
      p.push(`${c.path} is split between ${same.service} and ${c.service}, want api and node-api`);
    }
    if (c.path !== "/api/metrics") p.push(`the canary routes ${c.path}, want /api/metrics`);
  }
  const timeout = Number(primary.metadata.annotations?.["nginx.ingress.kubernetes.io/proxy-read-timeout"]);
  if (!(timeout >= 3600)) p.push(`proxy-read-timeout is ${timeout}, want at least 3600 for WebSockets`);
  return p;
}
