import { describe, expect, it } from '@jest/globals';
import { parseCsv, parsePasted } from './recipient-list.js';

const A = `0x${'a'.repeat(40)}`;
const B = `0x${'B'.repeat(40)}`;
const INBOX = 'c'.repeat(64);

describe('recipient lists for a broadcast', () => {
  it('splits pasted text on lines, commas, semicolons and spaces, lowercases, and drops repeats', () => {
    expect(parsePasted(`${A}, ${B}\n\n${INBOX};${A.toUpperCase().replace('0X', '0x')}  `)).toEqual({
      recipients: [A, B.toLowerCase(), INBOX],
      invalid: [],
      duplicates: 1,
    });
  });

  it('reports each unusable entry with its line', () => {
    expect(parsePasted(`${A}\nbob@example.com\n0x1234, ${INBOX}`).invalid).toEqual([
      { line: 2, text: 'bob@example.com' },
      { line: 3, text: '0x1234' },
    ]);
  });

  it('reads the column named address or inboxId of a CSV file with a header, quoted commas included', () => {
    const csv = `\uFEFFname,"inboxId",note\r\n"Doe, Jane",${INBOX},vip\r\nBob,${A},\r\nEve,nope,x\r\n,,\r\n`;
    expect(parseCsv(csv)).toEqual({
      recipients: [INBOX, A],
      invalid: [{ line: 4, text: 'nope' }],
      duplicates: 0,
    });
    expect(parseCsv(`Address;Name\n${B};Bee`).recipients).toEqual([B.toLowerCase()]);
  });

  it('takes the first column when there is no header, and skips an unnamed header row', () => {
    expect(parseCsv(`${A},first\n${INBOX},second`).recipients).toEqual([A, INBOX]);
    expect(parseCsv(`who,what\n${A},first`)).toEqual({ recipients: [A], invalid: [], duplicates: 0 });
  });

  it('marks a data row whose recipient cell is empty as invalid instead of dropping it silently', () => {
    expect(parseCsv(`address,name\n,Ann\n${A},Bob`)).toEqual({
      recipients: [A],
      invalid: [{ line: 2, text: ',Ann' }],
      duplicates: 0,
    });
  });
});
