export { AdminAccountsSystemRepository } from './admin-accounts.system-repository.js';
export { SystemRepositoriesModule } from './system-repositories.module.js';
