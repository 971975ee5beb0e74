// Lints the published OpenAPI file (docs/api/openapi.json) with swagger-parser: valid OpenAPI 3.1, every $ref
// resolves. Whether the file matches the code is test/docs/api-contract.e2e.ts's job (part of `npm test`).
import SwaggerParser from '@apidevtools/swagger-parser';

const file = new URL('../docs/api/openapi.json', import.meta.url).pathname;
const api = await SwaggerParser.validate(file);
const operations = Object.values(api.paths ?? {}).flatMap((item) =>
  ['get', 'put', 'post', 'delete', 'patch'].filter((m) => item[m]),
);
process.stdout.write(
  `docs/api/openapi.json: valid OpenAPI ${api.openapi}, ${operations.length} operations, ${Object.keys(api.webhooks ?? {}).length} webhook events\n`,
);
