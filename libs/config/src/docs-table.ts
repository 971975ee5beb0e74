import { VARIABLES, type VariableSpec } from './variables.js';

/** The README's configuration table, generated from the variable specs. */
export function configurationTable(): string {
  const rows = Object.entries(VARIABLES as Record<string, VariableSpec>).map(
    ([name, spec]) => `| \`${name}\` | ${spec.description} | ${spec.fallback} | ${spec.sensitive ? 'yes' : ''} |`,
  );
  return ['| variable | what it does | when absent | secret |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
