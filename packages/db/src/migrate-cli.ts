import { loadConfigOrExit } from '@scheduler/config';
import { migrate } from './migrate';

// `npm run db:migrate`: create the database named by DATABASE_URL if missing, then migrate it.
const config = loadConfigOrExit();
migrate(config.databaseUrl).then(
  (output) => {
    process.stdout.write(output.trim() ? `${output.trim()}\n` : 'Database is up to date.\n');
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
