import { ConfigError, loadConfig } from '../config/app-config.js';
import { migrate } from '../migrator/migrate.js';

try {
  const config = loadConfig();
  const applied = await migrate({ migrationUrl: config.migrationDatabaseUrl, databaseUrl: config.databaseUrl });
  console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'Database is up to date');
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
}
