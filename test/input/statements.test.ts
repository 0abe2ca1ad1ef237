/**
 * The pure parts of `inspect --statements`: which statements are planned, the SQL sent per version,
 * the skip reasons by SQLSTATE, the tag that keeps pgmem's own statements out, and the workload and
 * section built from plans (the golden plans the test servers wrote).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LiveSection, statementsSectionSchema } from '../../src/core/live-schema.js';
import {
  executeExplainSql,
  firstKeyword,
  genericExplainSql,
  isPlannable,
  planningSettings,
  QUERY_TAG,
  type StatementsSnapshot,
  shortenQuery,
  skipReason,
  statementsQuery,
  statementsWorkload,
  tag,
} from '../../src/input/statements.js';
import { renderLiveMarkdown, renderLiveText } from '../../src/render/live.js';
import { projectRoot } from '../support/cli.js';
import { kindCounts } from '../support/plan-shapes.js';

const golden = (version: number, name: string): string =>
  readFileSync(join(projectRoot, 'test', 'fixtures', 'plans', `pg${version}`, `${name}.json`), 'utf8');

describe('which statements are planned', () => {
  it('reads the first keyword past comments (nested), parentheses and whitespace', () => {
    expect(firstKeyword('  SELECT 1')).toBe('select');
    expect(firstKeyword('/* a /* nested */ comment */ -- line\n ((select 1))')).toBe('select');
    expect(firstKeyword('-- only a comment')).toBe('');
    expect(firstKeyword('/* unterminated')).toBe('');
  });

  it('plans queries and DML, not utility statements; MERGE from 15', () => {
    for (const q of [
      'select 1',
      'WITH x AS (select 1) select * from x',
      'values ($1)',
      'table t',
      'insert into t values ($1)',
      'update t set k = $1',
      'delete from t',
    ]) {
      expect(isPlannable(q, 13), q).toBe(true);
    }
    for (const q of [
      'vacuum t',
      'create index on t (k)',
      'set work_mem = $1',
      'explain select 1',
      'copy t to stdout',
      'begin',
      'execute p',
      '',
    ]) {
      expect(isPlannable(q, 18), q).toBe(false);
    }
    expect(isPlannable('merge into t using u on t.id = u.id when matched then delete', 14)).toBe(false);
    expect(isPlannable('merge into t using u on t.id = u.id when matched then delete', 15)).toBe(true);
  });
});

describe('what is sent', () => {
  it('tags every statement after its first keyword, where pg_stat_statements keeps comments', () => {
    expect(tag('SELECT 1')).toBe(`SELECT ${QUERY_TAG} 1`);
    expect(tag('BEGIN READ ONLY')).toBe(`BEGIN ${QUERY_TAG} READ ONLY`);
    expect(tag('COMMIT')).toBe(`COMMIT ${QUERY_TAG}`);
    // The statements query leaves tagged texts out.
    expect(statementsQuery('public', 'total_exec_time')).toContain(`strpos(query, '${QUERY_TAG}') = 0`);
    expect(statementsQuery('my "schema"', 'total_time')).toContain('FROM "my ""schema""".pg_stat_statements');
  });

  it('16+: one EXPLAIN with GENERIC_PLAN; 13–15: PREPARE with force_generic_plan and NULL arguments', () => {
    expect(genericExplainSql('select $1')).toBe('EXPLAIN (FORMAT JSON, VERBOSE, GENERIC_PLAN) select $1');
    expect(executeExplainSql(0)).toBe('EXPLAIN (FORMAT JSON, VERBOSE) EXECUTE pgmem_statement');
    expect(executeExplainSql(3)).toBe('EXPLAIN (FORMAT JSON, VERBOSE) EXECUTE pgmem_statement(NULL, NULL, NULL)');
    expect(planningSettings(15)).toContain('SET LOCAL plan_cache_mode = force_generic_plan');
    expect(planningSettings(16).some((s) => s.includes('plan_cache_mode'))).toBe(false);
    for (const v of [13, 16] as const) {
      expect(planningSettings(v)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^SET LOCAL statement_timeout = \d+$/),
          expect.stringMatching(/^SET LOCAL lock_timeout = \d+$/),
        ]),
      );
    }
  });

  it('names the skip reason by SQLSTATE', () => {
    const cases: [string | undefined, string][] = [
      ['42601', 'syntax'],
      ['42P01', 'undefined-object'],
      ['42703', 'undefined-object'],
      ['3F000', 'undefined-object'],
      ['42P18', 'types'],
      ['42725', 'types'],
      ['42883', 'types'],
      ['42501', 'privilege'],
      ['25006', 'would-write'],
      ['55P03', 'lock-timeout'],
      ['57014', 'timeout'],
      ['XX000', 'error'],
      [undefined, 'error'],
    ];
    for (const [sqlstate, reason] of cases) expect(skipReason(sqlstate), String(sqlstate)).toBe(reason);
  });

  it('shortens a text: whitespace collapsed, cut with an ellipsis', () => {
    expect(shortenQuery('select\n\t*  from t')).toBe('select * from t');
    const long = shortenQuery(`select ${'x, '.repeat(200)}y`);
    expect(long).toHaveLength(200);
    expect(long.endsWith('…')).toBe(true);
  });
});

function snapshot(statements: StatementsSnapshot['statements']): StatementsSnapshot {
  return {
    requested: 5,
    database: 'app',
    status: 'read',
    message: null,
    extensionVersion: '1.11',
    sortedBy: 'total_exec_time',
    method: 'generic-plan',
    hidden: 2,
    otherDatabases: 7,
    statements,
  };
}

describe('the workload and the section', () => {
  const base = { calls: 3, totalTimeMs: 12.34567, failure: null };
  it('classifies each plan as --plans does, with the statement as its query text, and counts the rest by reason', () => {
    const { queries, section } = statementsWorkload(
      snapshot([
        { ...base, queryid: '-42', query: 'select * from t\n order by s', plan: golden(17, 'sort') },
        { ...base, queryid: '7', query: 'select * from t join u using (id)', plan: golden(17, 'hash-join') },
        // UNION ALL: the query text tells the classifier there is no hash table.
        {
          ...base,
          queryid: '8',
          query:
            'with recursive r(n) as (select 1 union all select n + 1 from r where n < 1000) select count(*) from r',
          plan: golden(17, 'recursive-union'),
        },
        { ...base, queryid: '9', query: 'vacuum t', plan: null, failure: { reason: 'utility' } },
        {
          ...base,
          queryid: '10',
          query: 'select interval $1',
          plan: null,
          failure: { reason: 'syntax', sqlstate: '42601', message: 'syntax error at or near "$1"' },
        },
        { ...base, queryid: '11', query: 'select 1', plan: 'not json' },
      ]),
      17,
    );
    expect(queries.map((q) => q.source)).toEqual([
      'pg_stat_statements:-42',
      'pg_stat_statements:7',
      'pg_stat_statements:8',
    ]);
    expect(queries.map(kindCounts)).toEqual([{ sort: 1 }, { 'hash-join': 1 }, { tuplestore: 3 }]);
    expect(statementsSectionSchema.parse(section)).toEqual(section);
    expect(section).toMatchObject({
      requested: 5,
      read: 6,
      planned: 3,
      skipped: { utility: 1, syntax: 1, error: 1 },
      hiddenStatements: 2,
      otherDatabases: 7,
    });
    expect(section.statements[0]).toEqual({
      queryid: '-42',
      query: 'select * from t order by s',
      calls: 3,
      totalTimeMs: 12.346,
      planned: true,
      source: 'pg_stat_statements:-42',
    });
    expect(section.statements[4]).toEqual({
      queryid: '10',
      query: 'select interval $1',
      calls: 3,
      totalTimeMs: 12.346,
      planned: false,
      reason: 'syntax',
      sqlstate: '42601',
      error: 'syntax error at or near "$1"',
    });
    expect(section.statements[5]).toMatchObject({ planned: false, reason: 'error' });
  });

  it('renders the statements in the Live server section, control characters escaped', () => {
    const { section } = statementsWorkload(
      snapshot([
        {
          ...base,
          queryid: '-42',
          query: 'select /* \u001b]0;title\u0007 */ * from t order by s',
          plan: golden(17, 'sort'),
        },
        { ...base, queryid: '9', query: 'vacuum t', plan: null, failure: { reason: 'utility' } },
      ]),
      17,
    );
    const live: LiveSection = {
      serverVersion: '17.2',
      predictedSharedBytes: 1,
      allocatedSharedBytes: 1,
      differenceBytes: 0,
      sharedMemorySizeMB: 1,
      build: {
        profile: 'embedded',
        source: 'server',
        detected: 'embedded',
        evidence: { llvm: null, lz4: null, zstd: null, gssapi: null, liburing: null },
      },
      currentBackends: { total: 1, byType: {}, byState: {} },
      worstCaseBackends: 1,
      pendingRestart: [],
      statements: section,
    };
    const text = renderLiveText(live);
    expect(text).toContain(
      '  Statements        top 5 by total_exec_time in database "app": 2 read, 1 planned, skipped 1 utility (EXPLAIN (GENERIC_PLAN)); 2 hidden from this role (needs pg_read_all_stats); 7 of other databases not read',
    );
    expect(text).toContain(
      `\n${' '.repeat(21)}-42  planned${' '.repeat(27)}12.3 ms  select /* \\e]0;title\\x07 */ * from t order by s\n`,
    );
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    const markdown = renderLiveMarkdown(live);
    // The statement as a code span: Markdown shows it literally, escapes as the terminal shows them.
    expect(markdown).toContain('| -42 | planned | 12.3 ms | 3 | `select /* \\e]0;title\\x07 */ * from t order by s` |');
    expect(markdown).toContain('| 9 | skipped: utility | 12.3 ms | 3 | `vacuum t` |');

    const unavailable = renderLiveText({
      ...live,
      statements: {
        ...section,
        status: 'not-loaded',
        message: 'pg_stat_statements is installed but not loaded',
        read: 0,
        planned: 0,
        skipped: {},
        statements: [],
      },
    });
    expect(unavailable).toContain('  Statements        not used: pg_stat_statements is installed but not loaded\n');
  });
});
