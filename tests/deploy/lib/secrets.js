// A scan for secret values committed to the repository. Three levels:
//   - everywhere: things that are secrets whatever the file (private keys, cloud and
//     registry tokens with their known prefixes, service-account key files);
//   - outside tests: credentials written into a URL, unless they are a placeholder;
//   - in what gets deployed (deploy/, config/, compose.yaml, workflows, docs, env
//     files): a password, token or secret given a literal value instead of a reference.
// Test fixtures (fake tokens such as "s3cret") are allowed in tests only.

const EVERYWHERE = [
  [/-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/, "a private key"],
  [/\bAKIA[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, "a Google API key"],
  [/\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{50,}/, "a GitHub token"],
  [/\bxox[baprs]-[A-Za-z0-9-]{10,}/, "a Slack token"],
  [/\bdckr_pat_[A-Za-z0-9_-]{20,}/, "a Docker Hub access token"],
  [/\bGOCSPX-[A-Za-z0-9_-]{20,}/, "a Google OAuth client secret"],
  [/"type"\s*:\s*"service_account"[\s\S]*"private_key"/, "a Google service-account key file"],
];

// Placeholders people write in examples: references, masks, words like "pass", and
// one- or two-character stand-ins ("mysql://u:p@…").
const PLACEHOLDER =
  /^(?:.{1,2}|\$\{?[A-Za-z_][A-Za-z0-9_]*(?::[?-][^}]*)?\}?|\$\(.*\)|%s|\*+|<[^>]*>|\{\{.*\}\}|pass|PASS|password|PASSWORD|pass(?:word)?%40\w*|secret|SECRET|x+|X+|\.\.\.|…|USER|PASSWD|changeme-not-a-secret)$/;
const URL_CREDENTIALS = /\b[a-z][a-z0-9+.-]*:\/\/([^\s/@:"'`]+):([^\s/@"'`]*)@/g;

// name: value, name=value, --name=value, "name": "value"
const ASSIGNMENT =
  /(?:^|[\s{,"'-])([A-Za-z_]*(?:password|passwd|pwd|token|secret|api_?key)[A-Za-z_]*)["']?\s*[:=]\s*["']?([^\s"',}#]+)/gi;
// References, not values: $VAR, \"$VAR\", ${VAR:?message} / ${VAR:-default} (the part
// after ":" starts with ?, - or +), masks, templates, YAML block starts.
const REFERENCE =
  /^(?:\$|\\?"?\$|[?+-]|\*+$|<|\{\{|true$|false$|null$|\[|\||>|&|secretKeyRef|valueFrom|%s$|""$|''$|\\$)/;

const isTest = (file) => /(^|\/)(tests?|__tests__|fixtures?)\//.test(file) || /[._]test\.[a-z]+$/.test(file);
const isDeployable = (file) =>
  /^(deploy\/|config\/|\.github\/|docs\/)/.test(file) ||
  /^compose\.ya?ml$/.test(file) ||
  /(^|\/)\.env(\.|$)|\.env$/.test(file);

export function secretProblems(file, text) {
  const p = [];
  const lineOf = (index) => text.slice(0, index).split("\n").length;
  for (const [re, what] of EVERYWHERE) {
    const m = re.exec(text);
    if (m) p.push(`${file}:${lineOf(m.index)}: ${what}`);
  }
  if (!isTest(file)) {
    for (const m of text.matchAll(URL_CREDENTIALS)) {
      if (m[2] && !PLACEHOLDER.test(m[2])) {
        p.push(`${file}:${lineOf(m.index)}: credentials in a URL (${m[1]}:***@)`);
      }
    }
  }
  if (isDeployable(file)) {
    for (const m of text.matchAll(ASSIGNMENT)) {
      const value = m[2];
      if (REFERENCE.test(value) || PLACEHOLDER.test(value)) continue;
      // Key names and references to where a secret lives are not secrets.
      if (/^(?:vmpulse-[a-z-]+|[a-z_]+\.[a-z_.]+|--\S*|\/\S*|[A-Z_]{2,}|[a-z]+(?:-[a-z]+)*:?|\d{1,3})$/.test(value))
        continue;
      p.push(`${file}:${lineOf(m.index)}: ${m[1]} has a literal value`);
    }
    if (/^kind:\s*Secret\s*$/m.test(text) && /^(?:data|stringData):\s*$/m.test(text)) {
      p.push(`${file}: a Kubernetes Secret with data`);
    }
  }
  return p;
}

export function forbiddenFiles(files) {
  return files.filter(
    (f) =>
      /(^|\/)\.env$/.test(f) ||
      /\.(pem|p12|pfx|key)$/.test(f) ||
      /(^|\/)(key|credentials|service-account)\.json$/.test(f),
  );
}
