import { migrate } from '../src/migrator/migrate.js';

// Runs before each test file; the first applies migrations/ (and the runtime role's grants), the rest find nothing pending.
await migrate({ migrationUrl: process.env.MIGRATION_DATABASE_URL!, databaseUrl: process.env.DATABASE_URL! });
