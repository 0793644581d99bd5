// A Dockerfile as a list of instructions, and the focused checks hadolint would make
// that matter here (hadolint itself is in neither Debian nor npm): pinned bases,
// a numeric non-root user, exec-form commands, tidy apt, sources that exist.
import fs from "node:fs";
import path from "node:path";

// Instructions with their stage, continuation lines joined, comments dropped.
export function parseDockerfile(text) {
  const out = [];
  let buf = "";
  let line0 = 0;
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (!buf && (/^\s*#/.test(line) || !line.trim())) return;
    if (buf && /^\s*#/.test(line)) return; // comment inside a continuation
    if (!buf) line0 = i + 1;
    if (/\\\s*$/.test(line)) {
      buf += line.replace(/\\\s*$/, " ");
      return;
    }
    buf += line;
    const m = buf.trim().match(/^(\w+)\s*(.*)$/s);
    if (m) out.push({ line: line0, keyword: m[1].toUpperCase(), args: m[2].trim() });
    buf = "";
  });
  let stage = -1;
  for (const ins of out) {
    if (ins.keyword === "FROM") stage += 1;
    ins.stage = stage;
  }
  return out;
}

// The image each FROM names, with ARG defaults (declared before the first FROM) filled in.
export function baseImages(instructions) {
  const args = {};
  const stages = [];
  const images = [];
  for (const ins of instructions) {
    if (ins.keyword === "ARG" && ins.stage === -1) {
      const m = ins.args.match(/^(\w+)=(\S+)$/);
      if (m) args[m[1]] = m[2];
    }
    if (ins.keyword === "FROM") {
      const [ref, , alias] = ins.args.split(/\s+/);
      const image = ref.replace(/\$\{?(\w+)\}?/g, (_, name) => args[name] ?? `<unset ${name}>`);
      images.push({ line: ins.line, image, stageRef: stages.includes(image) });
      if (alias) stages.push(alias);
    }
  }
  return images;
}

// An exact version: a digest, or a tag with at least major.minor (12.11-slim,
// 20.19.2-bookworm-slim, 1.28.0-alpine3.21).
export function isPinned(image) {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const tag = image.includes(":") ? image.slice(image.lastIndexOf(":") + 1) : "";
  if (!tag || tag.includes("/")) return false;
  return /^v?\d+\.\d+/.test(tag) && !/latest/.test(tag);
}

// The instructions of the image's stage: the one named TARGET (docker build --target),
// or the last.
function imageStage(instructions, target) {
  let stage = Math.max(...instructions.map((i) => i.stage));
  if (target) {
    const from = instructions.find((i) => i.keyword === "FROM" && i.args.split(/\s+/)[2] === target);
    if (!from) return [];
    stage = from.stage;
  }
  return instructions.filter((i) => i.stage === stage);
}

// TARGET: the stage an image is built from, when a Dockerfile holds several images.
export function dockerfileProblems(text, root, target) {
  const p = [];
  const ins = parseDockerfile(text);
  const froms = baseImages(ins);
  if (froms.length < 2) p.push("not multi-stage (build and runtime in one image)");
  for (const f of froms) {
    if (!f.stageRef && f.image !== "scratch" && !isPinned(f.image))
      p.push(`line ${f.line}: base image ${f.image} is not pinned to a version`);
  }
  const last = imageStage(ins, target);
  if (!last.length) p.push(`no stage named ${target}`);
  const users = last.filter((i) => i.keyword === "USER");
  if (!users.length) p.push("the final stage sets no USER (it would run as root)");
  else {
    const user = users[users.length - 1].args;
    const m = user.match(/^(\d+)(?::(\d+))?$/);
    if (!m) p.push(`USER ${user} is not numeric (Kubernetes cannot verify runAsNonRoot)`);
    else if (Number(m[1]) === 0) p.push("USER is root");
  }
  for (const i of last.filter((x) => x.keyword === "CMD" || x.keyword === "ENTRYPOINT")) {
    try {
      if (!Array.isArray(JSON.parse(i.args))) throw new Error();
    } catch {
      p.push(`line ${i.line}: ${i.keyword} is not in exec (JSON array) form, so signals miss the process`);
    }
  }
  for (const i of ins) {
    if (i.keyword === "ADD" && /https?:\/\//.test(i.args))
      p.push(`line ${i.line}: ADD from a URL (unverified download)`);
    if (i.keyword === "RUN") {
      if (/apt-get\s+install/.test(i.args)) {
        if (!/--no-install-recommends/.test(i.args))
          p.push(`line ${i.line}: apt-get install without --no-install-recommends`);
        if (!/-y\b/.test(i.args)) p.push(`line ${i.line}: apt-get install without -y`);
        if (!/rm -rf \/var\/lib\/apt\/lists/.test(i.args)) p.push(`line ${i.line}: apt lists are left in the layer`);
      }
      if (/\bsudo\b/.test(i.args)) p.push(`line ${i.line}: sudo in a RUN`);
      if (/(curl|wget)[^|]*\|\s*(ba)?sh/.test(i.args)) p.push(`line ${i.line}: pipes a download into a shell`);
      if (/\bapt-get\s+upgrade/.test(i.args)) p.push(`line ${i.line}: apt-get upgrade (not reproducible)`);
      if (/\bnpm install\b/.test(i.args)) p.push(`line ${i.line}: npm install instead of npm ci (not the lock file)`);
    }
    if (i.keyword === "COPY" && !/--from=/.test(i.args)) {
      const parts = i.args.split(/\s+/).filter((a) => !a.startsWith("--"));
      for (const src of parts.slice(0, -1)) {
        if (!fs.existsSync(path.join(root, src)))
          p.push(`line ${i.line}: COPY source ${src} does not exist in the repository`);
      }
    }
  }
  return p;
}

export function exposedPorts(text, target) {
  return imageStage(parseDockerfile(text), target)
    .filter((i) => i.keyword === "EXPOSE")
    .flatMap((i) => i.args.split(/\s+/).map((x) => Number(x.split("/")[0])));
}
