// Jest loads global setup outside its module system, where ts-jest does not
// apply; tsx loads the TypeScript (and its `.js`-suffixed imports) instead.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const { startTestDatabaseServer } = await tsImport('./test-database-server.ts', import.meta.url);
  await startTestDatabaseServer();
}
