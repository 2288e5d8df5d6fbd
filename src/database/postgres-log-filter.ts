/**
 * What of the embedded PostgreSQL's own log may go into the application log.
 * PostgreSQL's ERROR/FATAL entries carry the rows and statements they are
 * about: `DETAIL:  Key (email)=(someone@example.com) already exists`,
 * `Failing row contains (…)`, `STATEMENT:  <the SQL, literals included>`,
 * and primary messages quote the offending input
 * (`invalid input syntax for type uuid: "…"`). The application log keeps
 * none of that: for each ERROR, FATAL or PANIC entry, its severity and
 * primary message only (with the SQLSTATE when log_error_verbosity puts it
 * there), every quoted part blanked.
 */

const PROBLEMS = new Set(['ERROR', 'FATAL', 'PANIC']);

// PostgreSQL writes a severity (or the label of a secondary field) followed by
// a colon and two spaces, after its log_line_prefix. The first such token of a
// line says what the line is; continuation lines of a multi-line statement or
// detail have none and are dropped with it.
const ENTRY =
  /\b(DEBUG[1-5]?|INFO|NOTICE|WARNING|ERROR|LOG|FATAL|PANIC|DETAIL|HINT|QUERY|CONTEXT|LOCATION|STATEMENT):\s{2}(.*)$/;

/**
 * The problems in one chunk of PostgreSQL's output (one or several lines), as
 * one line each (`ERROR: duplicate key value violates unique constraint "…"`),
 * joined by newlines; undefined when the chunk holds none (chatter, checkpoints).
 */
export function postgresProblems(message: string): string | undefined {
  const problems: string[] = [];
  for (const line of message.split(/\r?\n/)) {
    const entry = ENTRY.exec(line);
    if (!entry || !PROBLEMS.has(entry[1])) continue;
    problems.push(`${entry[1]}: ${withoutQuotedParts(entry[2].trim())}`);
  }
  return problems.length > 0 ? problems.join('\n') : undefined;
}

// Everything from the first quote to the last goes (to the end of the line
// when there is one quote only): PostgreSQL does not escape the quotes of the
// values it quotes, so a value holding a quote could otherwise end the blanked
// part early. Identifiers (constraint, column, role names) go too: telling
// them from values would need every message's grammar, and severity, SQLSTATE
// and message are what an operator needs to look further in PostgreSQL's own
// log. Not covered: a value holding a line break followed by a forged log line
// prefix, and messages a database function builds itself (RAISE): the app
// sends neither.
function withoutQuotedParts(text: string): string {
  const first = text.search(/["']/);
  if (first < 0) return text;
  const last = Math.max(text.lastIndexOf('"'), text.lastIndexOf("'"));
  return `${text.slice(0, first)}"…"${last > first ? text.slice(last + 1) : ''}`;
}
