'use strict';
// Configuration: flags win over the environment, the environment over
// config/defaults.env (the one place ports are written down).
//   --db URL       | VMPULSE_DB_URL   mysql://user:pass@host:port/db (required)
//   --token TOKEN  | VMPULSE_TOKEN    bearer token writers present (required)
//   --listen ADDR  | PORT             [host:]port; default port VMPULSE_NODE_API_PORT (3000)
const fs = require('node:fs');
const path = require('node:path');

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
  const names = { '--db': 'db', '--token': 'token', '--listen': 'listen' };
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
  const token = flags.token ?? env.VMPULSE_TOKEN;
  if (!dbUrl) throw new ConfigError('no database: set VMPULSE_DB_URL or pass --db mysql://user:pass@host:port/db');
  if (!token) throw new ConfigError('no token: set VMPULSE_TOKEN or pass --token');
  if (/\s/.test(token)) throw new ConfigError('the token must not contain white space');
  const listen = flags.listen ?? env.PORT ?? env.VMPULSE_NODE_API_PORT ?? defaults.VMPULSE_NODE_API_PORT ?? '3000';
  return { db: parseDbUrl(dbUrl), token, listen: parseListen(listen) };
}

const USAGE = `usage: node src/server.js [--db URL] [--token TOKEN] [--listen [HOST:]PORT]
  --db      mysql://user:pass@host:port/db   (or VMPULSE_DB_URL)
  --token   bearer token writers present     (or VMPULSE_TOKEN)
  --listen  address to listen on             (or PORT; default ${readEnvFile(DEFAULTS_PATH).VMPULSE_NODE_API_PORT || 3000})`;

module.exports = { loadConfig, parseDbUrl, parseListen, readEnvFile, ConfigError, USAGE };
