// Rendering the kustomize overlays and validating each object against its schema:
// the Kubernetes API (kubernetes-models), Gateway API (@kubernetes-models/gateway-api)
// and GKE's own resources (@kubernetes-models/gke). An object whose kind has no schema
// here fails: nothing is applied unchecked.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { ROOT } from "./repo.js";

export const OVERLAYS = ["base", "overlays/gateway", "overlays/ingress-nginx"];

export function parseYamlStream(text) {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length) throw new Error(`YAML: ${doc.errors[0].message}`);
      return doc.toJS();
    })
    .filter((obj) => obj !== null);
}

// kubectl kustomize with default settings (no --load-restrictor): what Argo CD, Flux and
// `kubectl apply -k` do.
export function render(dir) {
  const out = execFileSync("kubectl", ["kustomize", path.join(ROOT, "deploy/k8s", dir)], {
    maxBuffer: 16 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  }).toString("utf8");
  return parseYamlStream(out);
}

// deploy/gcp/deploy.sh --render: what ./vmpulse cloud deploy would apply.
export function renderDeploy(env, args = []) {
  const out = execFileSync(path.join(ROOT, "deploy/gcp/deploy.sh"), ["--render", ...args], {
    env: { ...process.env, ...env },
    maxBuffer: 16 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  }).toString("utf8");
  return parseYamlStream(out);
}

function modulePath(apiVersion) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "") return `kubernetes-models/${version}`;
  if (group.startsWith("gateway.networking.")) return `@kubernetes-models/gateway-api/${group}/${version}`;
  if (group.endsWith(".gke.io") || group.endsWith("cloud.google.com"))
    return `@kubernetes-models/gke/${group}/${version}`;
  return `kubernetes-models/${group}/${version}`;
}

// validate(obj): throws with the schema's complaint, or when no schema is known.
export async function validate(obj) {
  if (!obj || typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") {
    throw new Error(`not a Kubernetes object: ${JSON.stringify(obj).slice(0, 120)}`);
  }
  let mod;
  try {
    mod = await import(modulePath(obj.apiVersion));
  } catch {
    throw new Error(`no schema for ${obj.apiVersion} (${obj.kind})`);
  }
  const Model = mod[obj.kind];
  if (typeof Model !== "function") throw new Error(`no schema for ${obj.apiVersion} ${obj.kind}`);
  new Model(obj).validate();
}

export const byKind = (objs, kind) => objs.filter((o) => o.kind === kind);
export const named = (objs, kind, name) => objs.find((o) => o.kind === kind && o.metadata?.name === name);
export const podSpec = (o) => (o.kind === "Job" || o.kind === "Deployment" ? o.spec.template.spec : undefined);
