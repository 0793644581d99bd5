'use strict';
// A strict JSON reader for ingest bodies (contract/README.md step 6). JSON.parse is not
// enough: it silently keeps the last of two duplicated keys and has no depth limit.
//
// Which error answers, when a body has several: a syntax error anywhere wins over a
// duplicated key or too deep a nesting (as a parse-then-check reader answers, and as
// route 1 does); among those two, the first in the body. invalid_json never carries
// an index: it is about the body, not one element of it.

class JsonSyntaxError extends Error {
  /** field: the duplicated key, when that is the fault; strict: a duplicate or too deep. */
  constructor(message, { field, strict = false } = {}) {
    super(message);
    this.field = field;
    this.strict = strict;
  }
}

// ignoreBOM false: a leading byte order mark is dropped, as RFC 8259 allows and as
// route 1's parser does.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

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
  try {
    parser.skipSpace();
    if (parser.pos >= text.length) throw new JsonSyntaxError('empty body');
    const value = parser.value(0);
    parser.skipSpace();
    if (parser.pos < text.length) parser.fail('unexpected text after the JSON value');
    return value;
  } catch (err) {
    // The reader stopped at a duplicate or at the depth limit; a syntax error further on
    // still wins. JSON.parse's grammar is JSON's, and it reads any depth without recursing.
    if (err instanceof JsonSyntaxError && err.strict) {
      try {
        JSON.parse(text);
      } catch (syntax) {
        throw new JsonSyntaxError(`body is not valid JSON: ${syntax.message}`);
      }
    }
    throw err;
  }
}

// With the u flag a surrogate pair is one code point, so only lone halves match.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const NUMBER_CONTINUES = new Set([...'0123456789.eE+-'].map((ch) => ch.charCodeAt(0)));
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

// The keys of a parsed object in document order (a Set), as a hidden property: the
// contract names the first unknown field in document order, and Object.keys() puts
// integer-like keys ("5") first.
const KEY_ORDER = Symbol('keyOrder');

/** The keys of an object in the order the body wrote them. */
function keysInBodyOrder(object) {
  return object[KEY_ORDER] ?? Object.keys(object);
}

class Parser {
  constructor(text, maxDepth) {
    this.text = text;
    this.pos = 0;
    this.maxDepth = maxDepth;
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
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
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
    if (depth > this.maxDepth) {
      throw new JsonSyntaxError(`nesting deeper than ${this.maxDepth} at offset ${this.pos}`, { strict: true });
    }
  }

  object(depth) {
    this.enter(depth);
    this.pos++; // {
    const result = {};
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
        throw new JsonSyntaxError(`key ${JSON.stringify(key)} appears twice in one object`, {
          field: key,
          strict: true,
        });
      }
      seen.add(key);
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail('expected ":"');
      this.pos++;
      this.skipSpace();
      const member = this.value(depth);
      // A key named "__proto__" must stay a plain member, not set the prototype.
      if (key === '__proto__')
        Object.defineProperty(result, key, { value: member, enumerable: true, writable: true, configurable: true });
      else result[key] = member;
      this.skipSpace();
      const next = this.text[this.pos++];
      if (next === '}') {
        Object.defineProperty(result, KEY_ORDER, { value: seen });
        return result;
      }
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

  /** A number as JSON writes it; beyond a double's range it reads as ±Infinity, which
   * every range check of the schema then refuses (as JavaScript and route 1 both do). */
  number() {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail('malformed number');
    this.pos += match[0].length;
    // "01", "1.", "1e" or "-": the regex stopped early on something that is not a number's end.
    if (NUMBER_CONTINUES.has(this.text.charCodeAt(this.pos))) this.fail('malformed number');
    return Number(match[0]);
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
    if (e !== undefined && Object.hasOwn(ESCAPES, e)) {
      append(ESCAPES[e]);
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

module.exports = { parseStrictJson, parseStrictJsonBytes, JsonSyntaxError, keysInBodyOrder };
