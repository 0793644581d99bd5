'use strict';
// The ingest token file: one token a line, oldest first (a rotation appends the new one
// and later drops the old); clients send the newest, the route accepts them all. The
// rules are core's (core/include/vmpulse/secret.hpp, parse_token_file), and
// contract/token-file-cases.json holds the cases both implementations are tested on:
//   - lines end at "\n"; spaces and tabs around a line (and a trailing "\r") are ignored;
//   - blank lines and lines starting with "#" are ignored;
//   - a token is 16 to 512 visible ASCII characters (0x21-0x7e);
//   - at least one token; the file is at most 64 KiB.
// Errors name the line at fault, never its content.
const crypto = require('node:crypto');
const fs = require('node:fs');

const MIN_TOKEN_CHARS = 16;
const MAX_TOKEN_CHARS = 512;
const MAX_FILE_BYTES = 64 * 1024;

class TokenFileError extends Error {}

/** The tokens of a token file's text, oldest first, or TokenFileError. */
function parseTokenFile(text) {
  const tokens = [];
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const line = raw.replace(/^[ \t]+/, '').replace(/[ \t\r]+$/, '');
    if (line === '' || line.startsWith('#')) return;
    if (line.length < MIN_TOKEN_CHARS || line.length > MAX_TOKEN_CHARS || !/^[\x21-\x7e]+$/.test(line)) {
      throw new TokenFileError(
        `line ${i + 1} is not a token (${MIN_TOKEN_CHARS} to ${MAX_TOKEN_CHARS} visible ASCII characters, no spaces)`,
      );
    }
    tokens.push(line);
  });
  if (tokens.length === 0) throw new TokenFileError('no token in it');
  return tokens;
}

/** Reads and parses the file at `file`; TokenFileError names the path and the problem. */
function loadTokenFile(file) {
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    throw new TokenFileError(`token file ${file}: cannot be read`);
  }
  if (bytes.length > MAX_FILE_BYTES) throw new TokenFileError(`token file ${file}: larger than 64 KiB`);
  try {
    return parseTokenFile(bytes.toString('latin1'));
  } catch (err) {
    throw new TokenFileError(`token file ${file}: ${err.message}`);
  }
}

/**
 * The accepted tokens, replaceable at run time (SIGHUP reloads the file). Tokens are
 * compared as SHA-256 digests with timingSafeEqual: every token is compared, equal
 * lengths whatever was sent, no early exit.
 */
function createTokenSet(tokens, file = '') {
  let digests = tokens.map(digest);
  return {
    file,
    size: () => digests.length,
    accepts(token) {
      if (typeof token !== 'string' || token === '') return false;
      const given = digest(token);
      let found = false;
      for (const d of digests) found = crypto.timingSafeEqual(d, given) || found;
      return found;
    },
    /** Reads the file again; returns the number of tokens, or throws (the old set stays). */
    reload() {
      if (!file) throw new TokenFileError('no token file to reload (the token was given by --token or VMPULSE_TOKEN)');
      const fresh = loadTokenFile(file);
      digests = fresh.map(digest);
      return digests.length;
    },
  };
}

function digest(text) {
  return crypto.createHash('sha256').update(String(text), 'latin1').digest();
}

module.exports = {
  parseTokenFile,
  loadTokenFile,
  createTokenSet,
  TokenFileError,
  MIN_TOKEN_CHARS,
  MAX_TOKEN_CHARS,
  MAX_FILE_BYTES,
};
