// Writes the configuration table generated from libs/config into README.md (run after `npm run build`).
import { readFile, writeFile } from 'node:fs/promises';
import { configurationTable } from '@mailroom/config';

const file = new URL('../README.md', import.meta.url);
const start = '<!-- config-table:start -->';
const end = '<!-- config-table:end -->';
const readme = await readFile(file, 'utf8');
const from = readme.indexOf(start);
const to = readme.indexOf(end);
if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} block`);
await writeFile(file, `${readme.slice(0, from + start.length)}\n${configurationTable()}\n${readme.slice(to)}`);
process.stdout.write('README.md configuration table updated\n');
