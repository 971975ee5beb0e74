import type { FieldProblem } from '../../common/errors/index.js';

type Json = Record<string, unknown>;

export interface StringRule {
  /** Largest UTF-8 size in bytes. */
  max: number;
  pattern?: RegExp;
  /** Said when `pattern` does not match. */
  shape?: string;
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads the fields of one JSON object of a send request, collecting a problem per bad field (named by its dotted path,
 * e.g. `content.actions.1.label`) instead of stopping at the first. Null counts as absent: GraphQL sends explicit nulls.
 */
export class FieldReader {
  private constructor(
    private readonly input: Json,
    readonly path: string,
    private readonly problems: FieldProblem[],
  ) {}

  static root(raw: unknown, path: string, problems: FieldProblem[]): FieldReader {
    return new FieldReader(isObject(raw) ? raw : {}, path, problems);
  }

  at(field: string): string {
    return `${this.path}.${field}`;
  }

  fail(field: string, message: string): void {
    this.problems.push({ field: this.at(field), message });
  }

  has(field: string): boolean {
    const value = this.input[field];
    return value !== undefined && value !== null;
  }

  raw(field: string): unknown {
    return this.input[field];
  }

  /** A required non-blank string within the rule; '' when bad (a problem is recorded). */
  string(field: string, rule: StringRule): string {
    const value = this.input[field];
    if (typeof value !== 'string' || value.trim() === '') {
      this.fail(field, 'must be a non-empty string');
      return '';
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > rule.max) this.fail(field, `is ${bytes} bytes; the limit is ${rule.max} bytes (UTF-8)`);
    else if (rule.pattern && !rule.pattern.test(value))
      this.fail(field, `must be ${rule.shape ?? `a string matching ${rule.pattern}`}`);
    return value;
  }

  optionalString(field: string, rule: StringRule): string | undefined {
    return this.has(field) ? this.string(field, rule) : undefined;
  }

  oneOf<T extends string>(field: string, allowed: readonly T[]): T {
    const value = this.input[field];
    if (typeof value !== 'string' || !allowed.includes(value as T))
      this.fail(field, `must be one of ${allowed.join(', ')}`);
    return value as T;
  }

  /** A finite number; integers only with `integer`, within [min, max]. */
  number(field: string, options: { integer?: boolean; min?: number; max?: number } = {}): number {
    const value = this.input[field];
    const { integer = false, min = -Number.MAX_VALUE, max = Number.MAX_VALUE } = options;
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (!integer || Number.isInteger(value)) &&
      value >= min &&
      value <= max;
    if (!ok) {
      const range =
        options.min !== undefined && options.max !== undefined
          ? ` from ${min} to ${max}`
          : options.min !== undefined
            ? ` of at least ${min}`
            : options.max !== undefined
              ? ` of at most ${max}`
              : '';
      this.fail(field, `must be ${integer ? 'an integer' : 'a number'}${range}`);
    }
    return ok ? value : 0;
  }

  /** An ISO 8601 date-time with a zone, returned normalised (`toISOString`, millisecond precision). */
  optionalTimestamp(field: string): string | undefined {
    if (!this.has(field)) return undefined;
    const value = this.input[field];
    const ms = typeof value === 'string' && ISO_DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
    if (!Number.isFinite(ms) || ms < 0) {
      this.fail(field, 'must be an ISO 8601 date-time with a zone, e.g. 2030-01-01T00:00:00Z');
      return undefined;
    }
    return new Date(ms).toISOString();
  }

  /** A required array of 1 to `max` items, each read as an object by `item`. */
  list<T>(field: string, max: number, item: (reader: FieldReader, index: number) => T): T[] {
    const value = this.input[field];
    if (!Array.isArray(value) || value.length === 0 || value.length > max) {
      this.fail(field, `must be a list of 1 to ${max} objects`);
      return [];
    }
    return value.map((entry, index) => {
      const path = `${this.at(field)}.${index}`;
      if (!isObject(entry)) this.problems.push({ field: path, message: 'must be an object' });
      return item(new FieldReader(isObject(entry) ? entry : {}, path, this.problems), index);
    });
  }

  optionalObject(field: string): FieldReader | undefined {
    if (!this.has(field)) return undefined;
    const value = this.input[field];
    if (!isObject(value)) {
      this.fail(field, 'must be an object');
      return undefined;
    }
    return new FieldReader(value, this.at(field), this.problems);
  }

  /** An object of at most `maxEntries` members whose values `accept` allows (`expected` names them in the problem). */
  optionalMap<V>(
    field: string,
    maxEntries: number,
    accept: (value: unknown) => value is V,
    expected: string,
  ): Record<string, V> | undefined {
    if (!this.has(field)) return undefined;
    const value = this.input[field];
    if (!isObject(value)) {
      this.fail(field, `must be an object of ${expected}`);
      return undefined;
    }
    const entries = Object.entries(value);
    if (entries.length > maxEntries) this.fail(field, `has ${entries.length} members; the limit is ${maxEntries}`);
    for (const [key, member] of entries) {
      if (key === '' || Buffer.byteLength(key, 'utf8') > MAP_KEY_MAX_BYTES)
        this.problems.push({
          field: this.at(field),
          message: `has a key that is empty or over ${MAP_KEY_MAX_BYTES} bytes`,
        });
      if (!accept(member))
        this.problems.push({ field: `${this.at(field)}.${key}`, message: `must be ${expected.replace(/s$/, '')}` });
    }
    return value as Record<string, V>;
  }

  /**
   * Set fields not in `known` are refused, so a misspelt or misplaced field is not silently dropped. (Unset ones are
   * skipped: DTO instances carry every declared field, undefined.)
   */
  rejectUnknown(known: readonly string[]): void {
    for (const key of Object.keys(this.input))
      if (this.has(key) && !known.includes(key)) this.fail(key, 'is not a field of this object');
  }
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const MAP_KEY_MAX_BYTES = 256;
