import { migrate } from '../src/database/migrate.js';

// Runs before each test file; the first applies migrations/, the rest find nothing pending.
await migrate(process.env.DATABASE_URL!);
