// Turns what an admin pastes or uploads into the recipient list of a broadcast, checked in the browser first so the
// admin sees the count and every unusable line before anything is sent.

const ADDRESS = /^0x[0-9a-f]{40}$/i;
const INBOX_ID = /^[0-9a-f]{64}$/i;
/** Column headers that name the recipient column of a CSV file. */
const RECIPIENT_HEADERS = ['address', 'inboxid', 'inbox_id', 'inbox id', 'recipient'];

export interface InvalidLine {
  /** 1-based line of the input. */
  line: number;
  text: string;
}

export interface RecipientList {
  recipients: string[];
  invalid: InvalidLine[];
  /** Repeated recipients dropped (the gateway would skip them as duplicates). */
  duplicates: number;
}

export function isRecipient(value: string): boolean {
  return ADDRESS.test(value) || INBOX_ID.test(value);
}

function collect(entries: { line: number; value: string }[]): RecipientList {
  const seen = new Set<string>();
  const result: RecipientList = { recipients: [], invalid: [], duplicates: 0 };
  for (const { line, value } of entries) {
    if (value === '') continue;
    if (!isRecipient(value)) {
      result.invalid.push({ line, text: value });
      continue;
    }
    const normalised = value.toLowerCase();
    if (seen.has(normalised)) {
      result.duplicates += 1;
      continue;
    }
    seen.add(normalised);
    result.recipients.push(normalised);
  }
  return result;
}

/** Pasted text: one recipient per line, or separated by commas, semicolons or spaces. */
export function parsePasted(text: string): RecipientList {
  const entries: { line: number; value: string }[] = [];
  text.split(/\r?\n/).forEach((row, index) => {
    for (const part of row.split(/[,;\s]+/)) entries.push({ line: index + 1, value: part.trim() });
  });
  return collect(entries);
}

/** Splits one CSV line into fields (double-quoted fields may contain commas and "" for a quote). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',' || c === ';') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

/**
 * A CSV file: the column named address, inboxId (or recipient) when the first row is a header, else the first
 * column. A header row is recognised by that name, or by a first field that is not a recipient.
 */
export function parseCsv(text: string): RecipientList {
  const rows = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line, index) => ({ line: index + 1, fields: csvFields(line) }))
    .filter((row) => row.fields.some((f) => f !== ''));
  if (rows.length === 0) return { recipients: [], invalid: [], duplicates: 0 };
  const header = rows[0]!.fields.map((f) => f.toLowerCase());
  let column = header.findIndex((name) => RECIPIENT_HEADERS.includes(name));
  const hasHeader = column >= 0 || !isRecipient(rows[0]!.fields[0] ?? '');
  if (column < 0) column = 0;
  return collect(
    (hasHeader ? rows.slice(1) : rows).map((row) => ({
      line: row.line,
      value: row.fields[column] || row.fields.join(','),
    })),
  );
}
