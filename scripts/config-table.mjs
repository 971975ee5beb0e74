// Prints the README's configuration table from the config schema (after `npm run build`).
import { configurationTable } from '@mailroom/config';
process.stdout.write(`${configurationTable()}\n`);
