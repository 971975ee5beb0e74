/**
 * Deepest nesting accepted in a JSON body. Request shapes nest a handful of levels; the limit stops bodies like
 * `[[[[…]]]]` before validation, whose recursive transform would otherwise exhaust the stack.
 */
export const MAX_JSON_DEPTH = 32;

/** Nesting depth of JSON text (arrays and objects), scanned without parsing; stops counting past `limit`. */
export function jsonNestingDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return deepest;
}
