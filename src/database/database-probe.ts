import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * The readiness probe's question to PostgreSQL: does the pool get an answer
 * within `timeoutMs`? It lives here, not in health/, because SQL runs only in
 * repositories and database/ (a lint rule).
 */
@Injectable()
export class DatabaseProbe {
  constructor(private readonly dataSource: DataSource) {}

  /** Resolves when the database answered in time; rejects with the reason otherwise. */
  async answers(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
