import { DataSource } from 'typeorm';

import { APP_ENTITIES } from './src/app.entities.js';
import { dataSourceOptions } from './src/database/data-source-options.js';

/**
 * The DataSource the TypeORM CLI uses (`-d dist/ormconfig.js`). Run it through
 * `npm run migration:*`, which starts the embedded PostgreSQL when
 * DATABASE_URL is unset and passes its URL here.
 */
export default new DataSource(dataSourceOptions(process.env.DATABASE_URL, APP_ENTITIES));
