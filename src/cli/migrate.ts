import { loadConfig } from '../config/app-config.js';
import { migrate } from '../database/migrate.js';

const config = loadConfig();
const applied = await migrate(config.databaseUrl);
console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'Database is up to date');
