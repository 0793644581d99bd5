'use strict';
// A strict JSON reader for ingest bodies (contract/README.md step 6). JSON.parse is not
// enough: it silently keeps the last of two duplicated keys, has no depth limit, and
// loses the text of a number, which the integer rule needs ("5.0" is an integer,
// "9007199254740990.5" is not, although both parse to integral doubles).

/** The text of an object's number members written with a fraction or an exponent, by key. */
const RAW_NUMBERS = Symbol('rawNumbers');

class JsonSyntaxError extends Error {
  /** field: the duplicated key, when that is the fault; index: the top-level array element. */
  constructor(message, field, index) {
    super(message);
    this.field = field;
    this.index = index;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes bytes as UTF-8 (invalid sequences are an error) and parses strictly. */
function parseStrictJsonBytes(bytes, maxDepth) {
  let text;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new JsonSyntaxError('body is not valid UTF-8');
  }
  return parseStrictJson(text, maxDepth);
}

function parseStrictJson(text, maxDepth) {
  const parser = new Parser(text, maxDepth);
  parser.skipSpace();
  if (parser.pos >= text.length) throw new JsonSyntaxError('empty body');
  const value = parser.value(0);
  parser.skipSpace();
  if (parser.pos < text.length) parser.fail('unexpected text after the JSON value');
  return value;
}

// With the u flag a surrogate pair is one code point, so only lone halves match.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const NUMBER_CONTINUES = new Set([...'0123456789.eE+-'].map((ch) => ch.charCodeAt(0)));
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class Parser {
  constructor(text, maxDepth) {
    this.text = text;
    this.pos = 0;
    this.maxDepth = maxDepth;
    this.topIndex = undefined; // element of the top-level array being read, if any
  }

  fail(what) {
    throw new JsonSyntaxError(`${what} at offset ${this.pos}`);
  }

  skipSpace() {
    const t = this.text;
    let c = t.charCodeAt(this.pos);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = t.charCodeAt(++this.pos);
  }

  value(depth) {
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth + 1);
    if (c === '[') return this.array(depth + 1);
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number().value;
    if (this.text.startsWith('true', this.pos)) return this.literal(4, true);
    if (this.text.startsWith('false', this.pos)) return this.literal(5, false);
    if (this.text.startsWith('null', this.pos)) return this.literal(4, null);
    if (c === undefined) this.fail('unexpected end of body');
    return this.fail(`unexpected character ${JSON.stringify(c)}`);
  }

  literal(length, value) {
    this.pos += length;
    return value;
  }

  enter(depth) {
    if (depth > this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth}`);
  }

  object(depth) {
    this.enter(depth);
    this.pos++; // {
    const result = {};
    let raw; // created on the first number written with a fraction or an exponent
    const seen = new Set();
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') this.fail('expected a string key');
      const key = this.string();
      if (seen.has(key)) {
        const index = depth === 2 ? this.topIndex : undefined;
        throw new JsonSyntaxError(`key ${JSON.stringify(key)} appears twice in one object`, key, index);
      }
      seen.add(key);
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail('expected ":"');
      this.pos++;
      this.skipSpace();
      const c = this.text[this.pos];
      let member;
      if (c === '-' || (c >= '0' && c <= '9')) {
        const number = this.number();
        // Plain digits say nothing the double does not; keep the text of the others.
        if (/[.eE]/.test(number.text)) {
          if (raw === undefined) {
            raw = new Map();
            Object.defineProperty(result, RAW_NUMBERS, { value: raw }); // not enumerable: not a member
          }
          raw.set(key, number.text);
        }
        member = number.value;
      } else {
        member = this.value(depth);
      }
      // A key named "__proto__" must stay a plain member, not set the prototype.
      if (key === '__proto__') Object.defineProperty(result, key, { value: member, enumerable: true, writable: true, configurable: true });
      else result[key] = member;
      this.skipSpace();
      const next = this.text[this.pos++];
      if (next === '}') return result;
      if (next !== ',') {
        this.pos--;
        this.fail(next === undefined ? 'unexpected end of body' : 'expected "," or "}"');
      }
      this.skipSpace();
    }
  }

  array(depth) {
    this.enter(depth);
    this.pos++; // [
    const result = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      if (depth === 1) this.topIndex = result.length;
      result.push(this.value(depth));
      this.skipSpace();
      const next = this.text[this.pos++];
      if (next === ']') return result;
      if (next !== ',') {
        this.pos--;
        this.fail(next === undefined ? 'unexpected end of body' : 'expected "," or "]"');
      }
      this.skipSpace();
    }
  }

  number() {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail('malformed number');
    const text = match[0];
    this.pos += text.length;
    // "01", "1.", "1e" or "-": the regex stopped early on something that is not a number's end.
    if (NUMBER_CONTINUES.has(this.text.charCodeAt(this.pos))) this.fail('malformed number');
    const value = Number(text);
    // 1e400: valid grammar, but no finite double holds it; it would read as Infinity,
    // which JSON does not have (C++ parsers refuse it as well).
    if (!Number.isFinite(value)) this.fail('number out of range');
    return { text, value };
  }

  string() {
    const t = this.text;
    let pos = this.pos + 1;
    let out = '';
    let start = pos;
    let escaped = false;
    for (;;) {
      const c = t.charCodeAt(pos);
      if (Number.isNaN(c)) {
        this.pos = pos;
        this.fail('unterminated string');
      }
      if (c === 0x22) break; // "
      if (c < 0x20) {
        this.pos = pos;
        this.fail('raw control character in a string');
      }
      if (c === 0x5c) {
        out += t.slice(start, pos);
        escaped = true;
        pos = this.escape(pos, (s) => (out += s));
        start = pos;
        continue;
      }
      pos++;
    }
    out += t.slice(start, pos);
    this.pos = pos + 1;
    // The decoder let only valid UTF-8 through, so a lone surrogate can only come from an escape.
    if (escaped && LONE_SURROGATE.test(out)) this.fail('string holds a lone UTF-16 surrogate');
    return out;
  }

  escape(pos, append) {
    const t = this.text;
    const e = t[pos + 1];
    const simple = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
    if (e in simple && e !== undefined) {
      append(simple[e]);
      return pos + 2;
    }
    if (e === 'u') {
      const hex = t.slice(pos + 2, pos + 6);
      if (!/^[0-9A-Fa-f]{4}$/.test(hex)) {
        this.pos = pos;
        this.fail('bad \\u escape');
      }
      append(String.fromCharCode(parseInt(hex, 16)));
      return pos + 6;
    }
    this.pos = pos;
    return this.fail('bad escape in a string');
  }
}

module.exports = { parseStrictJson, parseStrictJsonBytes, JsonSyntaxError, RAW_NUMBERS };
