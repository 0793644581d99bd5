'use strict';
// Configuration: flags win over the environment, the environment over
// config/defaults.env (the one place ports are written down).
//   --db URL       | VMPULSE_DB_URL   mysql://user:pass@host:port/db (required)
//   --token TOKEN  | VMPULSE_TOKEN    one bearer token writers present
//   --token-file F | VMPULSE_TOKEN_FILE  accepted tokens, one a line (token-file.js); SIGHUP
//                                     reloads it. One of token / token-file is required; a
//                                     token file given as a flag wins over VMPULSE_TOKEN.
//   --listen ADDR  | PORT             [host:]port; default port VMPULSE_NODE_API_PORT (3000)
//   --body-bytes-in-flight N | VMPULSE_BODY_BYTES_IN_FLIGHT  request-body bytes read at once
//                                     (default: config/defaults.env; at least 1 MiB)
const fs = require('node:fs');
const path = require('node:path');
const { loadTokenFile, TokenFileError } = require('./token-file');

const DEFAULTS_PATH = path.resolve(__dirname, '../../config/defaults.env');

class ConfigError extends Error {}

/** KEY=value lines of an env file; a missing file is no defaults. */
function readEnvFile(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  const values = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) values[m[1]] = m[2].trim();
  }
  return values;
}

function parseFlags(argv) {
  const flags = {};
  const names = {
    '--db': 'db',
    '--token': 'token',
    '--token-file': 'tokenFile',
    '--listen': 'listen',
    '--body-bytes-in-flight': 'bodyBytesInFlight',
    '--log-format': 'logFormat',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag === '--help' || flag === '-h') {
      flags.help = true;
      continue;
    }
    if (!names[flag]) throw new ConfigError(`unknown argument "${argv[i]}" (try --help)`);
    const value = inline !== undefined ? inline : argv[++i];
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    flags[names[flag]] = value;
  }
  return flags;
}

/** mysql://user:pass@host:port/db → mysql2 options; percent escapes decoded. */
function parseDbUrl(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('the database URL is not a URL (expected mysql://user:pass@host:port/db)');
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (url.protocol !== 'mysql:' || !url.hostname || !database || !url.username) {
    throw new ConfigError('the database URL must look like mysql://user:pass@host:port/db');
  }
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
  };
}

function parseListen(text) {
  const m = /^(?:(.*):)?([0-9]{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new ConfigError(`cannot listen on "${text}" (expected [host:]port)`);
  return { host: m[1] ? m[1].replace(/^\[|\]$/g, '') : '0.0.0.0', port };
}

/** The configuration, or ConfigError saying what is wrong (secrets never in messages). */
function loadConfig(argv = process.argv.slice(2), env = process.env, defaultsPath = DEFAULTS_PATH) {
  const flags = parseFlags(argv);
  if (flags.help) return { help: true };
  const defaults = readEnvFile(defaultsPath);
  const dbUrl = flags.db ?? env.VMPULSE_DB_URL;
  if (!dbUrl) throw new ConfigError('no database: set VMPULSE_DB_URL or pass --db mysql://user:pass@host:port/db');
  const tokens = readTokens(flags, env);
  const listen = flags.listen ?? env.PORT ?? env.VMPULSE_NODE_API_PORT ?? defaults.VMPULSE_NODE_API_PORT ?? '3000';
  const inFlight =
    flags.bodyBytesInFlight ??
    env.VMPULSE_BODY_BYTES_IN_FLIGHT ??
    defaults.VMPULSE_BODY_BYTES_IN_FLIGHT ??
    String(64 * 1024 * 1024);
  const logFormat = flags.logFormat ?? env.VMPULSE_LOG_FORMAT ?? 'text';
  if (!['text', 'json'].includes(logFormat))
    throw new ConfigError(`--log-format must be text or json (got "${logFormat}")`);
  return {
    db: parseDbUrl(dbUrl),
    ...tokens,
    listen: parseListen(listen),
    bodyBytesInFlight: parseInFlight(inFlight),
    logFormat,
  };
}

/** {tokens, tokenFile}: a token file given as a flag wins over VMPULSE_TOKEN, as in route 1. */
function readTokens(flags, env) {
  const fileWins = flags.tokenFile !== undefined && flags.token === undefined;
  const token = fileWins ? undefined : (flags.token ?? env.VMPULSE_TOKEN);
  if (token !== undefined) {
    if (!token) throw new ConfigError('the token is empty');
    if (/\s/.test(token)) throw new ConfigError('the token must not contain white space');
    return { tokens: [token], tokenFile: '' };
  }
  const file = flags.tokenFile ?? env.VMPULSE_TOKEN_FILE;
  if (!file) throw new ConfigError('no token: give --token, --token-file, VMPULSE_TOKEN or VMPULSE_TOKEN_FILE');
  try {
    return { tokens: loadTokenFile(file), tokenFile: file };
  } catch (err) {
    if (err instanceof TokenFileError) throw new ConfigError(err.message);
    throw err;
  }
}

function parseInFlight(text) {
  const n = /^[0-9]{1,15}$/.test(String(text)) ? Number(text) : NaN;
  if (!(n >= 1024 * 1024))
    throw new ConfigError(`--body-bytes-in-flight must be a byte count of at least 1048576 (got "${text}")`);
  return n;
}

const USAGE = `usage: node src/server.js [--db URL] [--token TOKEN | --token-file FILE] [--listen [HOST:]PORT]
                          [--body-bytes-in-flight N] [--log-format text|json]
  --db          mysql://user:pass@host:port/db        (or VMPULSE_DB_URL)
  --token       one bearer token writers present      (or VMPULSE_TOKEN)
  --token-file  accepted tokens, one a line; SIGHUP reloads it (or VMPULSE_TOKEN_FILE)
  --listen      address to listen on                  (or PORT; default ${readEnvFile(DEFAULTS_PATH).VMPULSE_NODE_API_PORT || 3000})
  --body-bytes-in-flight  request-body bytes read at once, all connections; past it 503
                server_busy (or VMPULSE_BODY_BYTES_IN_FLIGHT; default ${readEnvFile(DEFAULTS_PATH).VMPULSE_BODY_BYTES_IN_FLIGHT || 67108864})
  --log-format  text (default) or json, one object a line (or VMPULSE_LOG_FORMAT)
GET /metrics answers the route's own metrics in Prometheus text.`;

module.exports = { loadConfig, parseDbUrl, parseListen, readEnvFile, ConfigError, USAGE };
