/**
 * Schema tools read the schema from the running server: GraphiQL in real Chromium loads
 * it (documentation explorer, a query run from the editor), and `graphql-codegen` reads it
 * from the server's URL — both send the standard introspection query that the depth limit
 * used to refuse.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listening, listen } from '../api/src/server/listen.ts';
import { createTestApi, type TestApi } from './helpers/api.ts';
import { REPO_ROOT } from './helpers/cli.ts';
import { type Browser, openBrowser } from './helpers/portal.ts';

const run = promisify(execFile);
let api: TestApi;
let server: Listening;
let browser: Browser;

beforeAll(async () => {
  // As in production: introspection on, GraphiQL on, and a token-less browser.
  api = await createTestApi();
  server = await listen(api.yoga, 0, '127.0.0.1');
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await api?.close();
});

describe('GraphiQL in Chromium', () => {
  it('loads the schema: the documentation explorer shows the types and their docs', async () => {
    const page = await browser.context.newPage();
    const introspections: number[] = [];
    page.on('response', (response) => {
      if (response.request().postData()?.includes('IntrospectionQuery')) introspections.push(response.status());
    });
    await page.goto(`${server.url}/graphql`);
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.getByText('Root Types').waitFor({ timeout: 20_000 });
    expect(introspections).toEqual([200]);
    await docs.getByRole('link', { name: 'Query', exact: true }).click();
    // A field with its description, straight from the schema.
    await docs.getByText('Troubleshooting search: "What is going wrong?"', { exact: false }).waitFor();
    await docs.getByRole('link', { name: 'search', exact: true }).first().click();
    await docs.getByText('SearchConnection', { exact: false }).first().waitFor();
    expect(await page.getByText('Error fetching schema').count()).toBe(0);
    await page.screenshot({ path: join(tmpdir(), 'hansei-graphiql-docs.png') });

    // The default query runs from the editor and answers with data.
    await page.getByRole('button', { name: /Execute query/ }).click();
    await page.locator('.graphiql-response').getByText('totalCount', { exact: false }).waitFor({ timeout: 20_000 });
    expect(await page.locator('.graphiql-response').textContent()).not.toContain('"errors"');
    await page.close();
  }, 90_000);
});

describe('graphql-codegen', () => {
  it('reads the schema from the running server URL, equal to schema.graphql', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hansei-codegen-'));
    try {
      const config = join(dir, 'codegen.json');
      const output = join(dir, 'schema.graphql');
      await writeFile(
        config,
        JSON.stringify({ schema: `${server.url}/graphql`, generates: { [output]: { plugins: ['schema-ast'] } } }),
      );
      await run(join(REPO_ROOT, 'node_modules/.bin/graphql-codegen'), ['--config', config, '--silent'], {
        cwd: REPO_ROOT,
        timeout: 60_000,
      });
      const normalise = (sdl: string) => printSchema(lexicographicSortSchema(buildSchema(sdl)));
      const fromServer = normalise(await readFile(output, 'utf8'));
      const committed = normalise(await readFile(join(REPO_ROOT, 'schema.graphql'), 'utf8'));
      expect(fromServer).toBe(committed);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
