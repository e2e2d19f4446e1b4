import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from './helpers/cli.ts';

interface JsonSchema {
  properties?: Record<string, JsonSchema & { description?: string }>;
  required?: string[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  const?: string;
  enum?: string[];
  title?: string;
}

const read = async (path: string) => JSON.parse(await readFile(join(REPO_ROOT, path), 'utf8'));

describe('hansei schema', () => {
  it('keeps the checked-in schemas in .vscode/hansei up to date (run "npx hansei schema --out .vscode/hansei")', async () => {
    const result = await runCli(['schema', '--out', '.vscode/hansei', '--check']);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
  });

  it('describes each kind from the zod schema, with the doc comments as hover text', async () => {
    const lesson = JSON.parse((await runCli(['schema', '--kind', 'lesson'])).stdout) as JsonSchema;
    expect(lesson.properties?.kind?.const).toBe('lesson');
    expect(lesson.required).toEqual(expect.arrayContaining(['id', 'title', 'severity', 'processes', 'owner']));
    expect(lesson.required).not.toContain('failure_modes'); // defaulted fields stay optional
    expect(lesson.properties?.severity?.enum).toEqual(['low', 'medium', 'high', 'critical']);
    expect(lesson.properties?.severity?.description).toBe(
      'Required for lessons: how bad it is when this lesson is forgotten.',
    );
    expect(lesson.properties?.reviewed?.properties?.on?.description).toBe('Date of the verification.');
    for (const [name, property] of Object.entries(lesson.properties ?? {})) {
      expect(property.description, name).toMatch(/\w/);
    }
    const rca = JSON.parse((await runCli(['schema', '--kind', 'rca'])).stdout) as JsonSchema;
    expect(rca.required).toEqual(expect.arrayContaining(['method', 'incident_date', 'problem_statement']));
    const any = JSON.parse((await runCli(['schema'])).stdout) as JsonSchema;
    expect(any.oneOf?.map((schema) => schema.properties?.kind?.const)).toEqual(['lesson', 'sop', 'rca']);
  });

  it('describes the taxonomy files, which VS Code wires to their schemas', async () => {
    const units = (await read('.vscode/hansei/business-units.schema.json')) as JsonSchema;
    expect(units.items?.required).toEqual(['id', 'label', 'stewards', 'review_policy']);
    const settings = (await read('.vscode/settings.json')) as { 'yaml.schemas': Record<string, string> };
    for (const [schema, files] of Object.entries(settings['yaml.schemas'])) {
      await expect(readFile(join(REPO_ROOT, schema))).resolves.toBeDefined();
      expect(files).toMatch(/^content\//);
    }
    expect(Object.values(settings['yaml.schemas'])).toContain('content/taxonomy/people.yaml');
  });

  it('answers usage errors with exit 2', async () => {
    expect((await runCli(['schema', '--kind', 'memo'])).code).toBe(2);
    expect((await runCli(['schema', '--check'])).code).toBe(2);
  });
});
