// The gateway's own count (its xmtp_sqlite_connections gauge), read here for another process; needs `npm run build`.
export { sqliteConnections } from '../../libs/xmtp/dist/pool/sqlite-connections.js';
