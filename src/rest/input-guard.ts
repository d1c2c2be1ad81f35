// Input that must never reach a handler, a parser that recurses, or PostgreSQL: NUL characters and
// lone surrogates (PostgreSQL cannot store them and answers an encoding error), JSON nested deeper
// than any record needs (recursive walks overflow the stack), and lists long enough to hold the
// server for seconds. Each is a DRF-shaped 400 that names the field or the limit.
import { ApiError, FieldValidationError } from './errors.ts';

/** JSON bodies (and JSON inside form values or filters) nested deeper than this are refused. */
export const MAX_JSON_DEPTH = 64;
/** Default for ALYX_MAX_LIST_ITEMS: items in one list of a body (or in a bulk create). */
export const DEFAULT_MAX_LIST_ITEMS = 1000;

export const NULL_CHARACTERS = 'Null characters are not allowed.';
export const surrogateMessage = (code: number) =>
  `Surrogate characters are not allowed: U+${code.toString(16).toUpperCase()}.`;
export const listTooLong = (max: number) => `Ensure this field has no more than ${max} elements.`;
export const depthMessage = `JSON parse error - nesting deeper than ${MAX_JSON_DEPTH} levels is not allowed.`;

/** DRF's ProhibitNullCharactersValidator and ProhibitSurrogateCharactersValidator: the message, or null. */
export function badCharacters(s: string): string | null {
  if (s.includes('\0')) return NULL_CHARACTERS;
  // a lone surrogate (a high one not followed by a low one, or a low one alone)
  const m = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.exec(s);
  return m ? surrogateMessage(m[0].charCodeAt(0)) : null;
}

/** Throws a field error for text with NUL or lone surrogates (for parsers of single values). */
export function checkText(s: string): void {
  const msg = badCharacters(s);
  if (msg) throw new FieldValidationError([msg]);
}

/**
 * The deepest nesting of brackets in JSON text (outside strings), counted without parsing, so that
 * a 100,000-deep document costs one pass and no recursion.
 */
export function jsonDepth(text: string, stopAt = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123 || c === 40) {
      if (++depth > max) {
        max = depth;
        if (max > stopAt) return max;
      }
    } else if (c === 93 || c === 125 || c === 41) depth--;
  }
  return max;
}

/** JSON.parse with the depth limit: a 400 naming it instead of a stack overflow later on. */
export function parseJsonBounded(text: string): unknown {
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw new ApiError(400, { detail: depthMessage });
  return JSON.parse(text);
}

/**
 * The first problem in a body value, walked iteratively: a string with NUL or a lone surrogate,
 * a list longer than `maxItems`, or (for bodies that did not come through the JSON parser)
 * nesting deeper than the limit. Keys are checked like values.
 */
export function bodyValueProblem(value: unknown, maxItems: number): string | null {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      const msg = badCharacters(v);
      if (msg) return msg;
    } else if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v) && !(v instanceof Uint8Array)) {
      if (depth >= MAX_JSON_DEPTH) return `Nesting deeper than ${MAX_JSON_DEPTH} levels is not allowed.`;
      if (Array.isArray(v)) {
        if (v.length > maxItems) return listTooLong(maxItems);
        for (const item of v) stack.push([item, depth + 1]);
      } else {
        for (const [k, item] of Object.entries(v)) {
          const msg = badCharacters(k);
          if (msg) return msg;
          stack.push([item, depth + 1]);
        }
      }
    }
  }
  return null;
}

/** Refuses a request body with bad characters, over-long lists or deep nesting: errors per top-level field. */
export function checkBody(body: unknown, maxItems: number): void {
  if (body === null || body === undefined || typeof body !== 'object') {
    if (typeof body === 'string') {
      const msg = badCharacters(body);
      if (msg) throw new ApiError(400, { non_field_errors: [msg] });
    }
    return;
  }
  if (Array.isArray(body)) {
    // a bulk create: the list itself is bounded, then each item as a body of its own
    if (body.length > maxItems) throw new ApiError(400, { non_field_errors: [listTooLong(maxItems)] });
    for (const item of body) checkBody(item, maxItems);
    return;
  }
  const errors: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(body)) {
    const keyProblem = badCharacters(k);
    const msg = keyProblem ?? bodyValueProblem(v, maxItems);
    if (msg) errors[keyProblem ? 'non_field_errors' : k] = [msg];
  }
  if (Object.keys(errors).length) throw new ApiError(400, errors);
}

/** Query parameters (filters, `django=`, pagination): NUL and lone surrogates are a 400 naming the parameter. */
export function checkQuery(query: unknown): void {
  if (!query || typeof query !== 'object') return;
  const errors: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(query as Record<string, unknown>)) {
    for (const s of [k, ...(Array.isArray(v) ? v : [v])]) {
      const msg = typeof s === 'string' ? badCharacters(s) : null;
      if (msg) {
        errors[badCharacters(k) ? 'detail' : k] = [msg];
        break;
      }
    }
  }
  if (errors.detail) throw new ApiError(400, { detail: errors.detail[0] });
  if (Object.keys(errors).length) throw new ApiError(400, errors);
}
