/**
 * The taxonomy as index rows: every term with its parent, label, aliases and deprecation,
 * so the API can answer tree and facet questions without reading YAML. KPIs ride along
 * (dimension `kpi`, the whole checked definition in `data`).
 */
import type { InStatement } from '@libsql/client';
import type { Dimension } from '../content/dimensions.ts';
import { parentId, type Taxonomy } from '../content/taxonomy.ts';

/** Replaces all taxonomy rows. */
export function taxonomyStatements(taxonomy: Taxonomy): InStatement[] {
  const statements: InStatement[] = [{ sql: 'DELETE FROM taxonomy_terms', args: [] }];
  const insert = (
    dimension: Dimension | 'person' | 'kpi',
    id: string,
    label: string,
    parent: string | undefined,
    aliases: string[],
    deprecated: boolean,
    replacedBy: string | undefined,
    data: unknown,
  ) =>
    statements.push({
      sql: 'INSERT INTO taxonomy_terms (dimension, id, label, parent_id, aliases, deprecated, replaced_by, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      args: [
        dimension,
        id,
        label,
        parent ?? null,
        JSON.stringify(aliases),
        deprecated ? 1 : 0,
        replacedBy ?? null,
        JSON.stringify(data),
      ],
    });
  for (const unit of taxonomy.businessUnits.values())
    insert('businessUnit', unit.id, unit.label, undefined, unit.aliases, unit.deprecated, unit.replaced_by, unit);
  for (const term of taxonomy.processes.values())
    insert('process', term.id, term.label, parentId(term.id), term.aliases, term.deprecated, term.replaced_by, term);
  for (const term of taxonomy.failureModes.values())
    insert(
      'failureMode',
      term.id,
      term.label,
      parentId(term.id),
      term.aliases,
      term.deprecated,
      term.replaced_by,
      term,
    );
  for (const item of taxonomy.equipment.values())
    insert('equipment', item.id, item.label, undefined, item.aliases, item.deprecated, item.replaced_by, item);
  for (const person of taxonomy.people.values())
    insert('person', person.id, person.name, undefined, [], false, undefined, person);
  for (const kpi of taxonomy.kpis.values())
    insert('kpi', kpi.id, kpi.label, undefined, kpi.aliases, kpi.deprecated, kpi.replaced_by, kpi);
  return statements;
}
