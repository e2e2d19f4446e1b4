/**
 * JSON Schema of the content contract, for editors: the front matter of each kind (and of
 * any kind), and each taxonomy file. Generated from the zod schemas with `z.toJSONSchema`,
 * so it cannot disagree with `hansei check` on shapes; cross-document rules (does the
 * term exist?) stay in the checker.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  FrontMatterSchema,
  type Kind,
  LessonFrontMatterSchema,
  RcaFrontMatterSchema,
  SopFrontMatterSchema,
} from './schema.ts';
import { TAXONOMY_ENTRY_SCHEMAS, TAXONOMY_FILES, type TaxonomyDimension } from './taxonomy-schema.ts';

type JsonSchema = Record<string, unknown>;

/** The schemas `hansei schema` writes, by file name. */
export function contentJsonSchemas(): Record<string, JsonSchema> {
  const front = fieldDocs('schema.ts');
  const taxonomy = fieldDocs('taxonomy-schema.ts');
  const files: Record<string, JsonSchema> = {
    'front-matter.schema.json': frontMatterJsonSchema(undefined, front),
  };
  for (const kind of Object.keys(KIND_SCHEMAS) as Kind[]) {
    files[`${kind}.schema.json`] = frontMatterJsonSchema(kind, front);
  }
  for (const dimension of Object.keys(TAXONOMY_FILES) as TaxonomyDimension[]) {
    const name = TAXONOMY_FILES[dimension].replace(/\.yaml$/, '');
    const block = ENTRY_BLOCKS[dimension];
    const schema = toJsonSchema(z.array(TAXONOMY_ENTRY_SCHEMAS[dimension]), {
      ...taxonomy.merged,
      ...taxonomy.blocks.get(block),
    });
    files[`${name}.schema.json`] = {
      ...schema,
      title: `taxonomy/${TAXONOMY_FILES[dimension]}`,
      description: `A list of entries; ${taxonomy.heads.get(block) ?? ''}`.trim(),
    };
  }
  return files;
}

const KIND_SCHEMAS = {
  lesson: { schema: LessonFrontMatterSchema, block: 'LessonFrontMatterSchema' },
  sop: { schema: SopFrontMatterSchema, block: 'SopFrontMatterSchema' },
  rca: { schema: RcaFrontMatterSchema, block: 'RcaFrontMatterSchema' },
} as const;

const ENTRY_BLOCKS: Record<TaxonomyDimension, string> = {
  businessUnits: 'BusinessUnitSchema',
  people: 'PersonSchema',
  processes: 'HierarchyTermSchema',
  failureModes: 'HierarchyTermSchema',
  equipment: 'EquipmentSchema',
  kpis: 'KpiSchema',
};

/** Front matter of one kind, or of any kind when `kind` is undefined. */
function frontMatterJsonSchema(kind: Kind | undefined, docs: FieldDocs): JsonSchema {
  const common = docs.blocks.get('CommonFrontMatterSchema') ?? {};
  if (kind === undefined) {
    return {
      ...toJsonSchema(FrontMatterSchema, common),
      title: 'Hansei front matter',
      description: 'Front matter of a lesson, SOP or RCA, told apart by "kind".',
    };
  }
  const { schema, block } = KIND_SCHEMAS[kind];
  return {
    ...toJsonSchema(schema, { ...common, ...docs.blocks.get(block) }),
    title: `Hansei ${kind} front matter`,
    description: docs.heads.get(block) ?? '',
  };
}

function toJsonSchema(schema: z.ZodType, descriptions: Record<string, string>): JsonSchema {
  // Draft 7 is what the YAML language server knows best; `input` keeps defaulted fields optional.
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as JsonSchema;
  describe(json, descriptions);
  return json;
}

/** Puts each property's description on it, at any depth. */
function describe(node: unknown, descriptions: Record<string, string>): void {
  if (Array.isArray(node)) {
    for (const item of node) describe(item, descriptions);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as JsonSchema;
  const properties = record.properties as Record<string, JsonSchema> | undefined;
  if (properties) {
    for (const [name, property] of Object.entries(properties)) {
      const text = descriptions[name];
      if (text !== undefined) property.description = text;
    }
  }
  for (const value of Object.values(record)) describe(value, descriptions);
}

interface FieldDocs {
  /** Field descriptions per `const` block of the source file. */
  blocks: Map<string, Record<string, string>>;
  /** Every block's fields, later blocks first-come (for shared field groups). */
  merged: Record<string, string>;
  /** The doc comment above each block. */
  heads: Map<string, string>;
}

/**
 * The doc comments of a schema source file, by block and field. Field documentation is
 * written once, as doc comments on the zod fields (what TypeScript shows); hover text in
 * editors is read from the same comments rather than copied into `.describe()` calls.
 */
function fieldDocs(file: string): FieldDocs {
  const source = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
  const blocks = new Map<string, Record<string, string>>();
  const heads = new Map<string, string>();
  const merged: Record<string, string> = {};
  const starts = [...source.matchAll(/^(?:export )?const (\w+)/gm)];
  starts.forEach((start, index) => {
    const name = start[1] ?? '';
    const text = source.slice(start.index, starts[index + 1]?.index ?? source.length);
    const fields: Record<string, string> = {};
    for (const match of text.matchAll(/\/\*\*([\s\S]*?)\*\/\s*\n\s*(\w+)\s*:/g)) {
      fields[match[2] ?? ''] = clean(match[1] ?? '');
    }
    blocks.set(name, fields);
    for (const [field, doc] of Object.entries(fields)) merged[field] ??= doc;
    // The doc comment right above the block: no "*/" inside, or it would swallow the file.
    const head = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*$/.exec(source.slice(0, start.index));
    if (head) heads.set(name, clean(head[1] ?? ''));
  });
  return { blocks, merged, heads };
}

function clean(comment: string): string {
  return comment
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, '').trim())
    .filter((line) => line !== '')
    .join(' ')
    .replaceAll('`', '"');
}
