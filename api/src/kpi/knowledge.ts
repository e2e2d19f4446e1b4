/**
 * The knowledge that applies when a KPI deviates: lessons and SOPs (for their reflection
 * prompts) tagged with what the KPI watches (the weights of "has this happened before?"),
 * ranked by the same factors as search (`rankScore`: status, replaced, reuse). One definition for the API, the learning
 * triggers opened at ingest and the portal's KPI pages.
 */
import type { Kpi } from '../content/taxonomy-schema.ts';
import { rankScore, SIMILARITY_WEIGHTS } from '../search/rank.ts';

/** A document as the matching needs it; term lists include taxonomy ancestors. */
export interface KnowledgeCandidate {
  id: string;
  kind: 'lesson' | 'sop' | 'rca';
  status: 'draft' | 'in-review' | 'approved' | 'deprecated';
  businessUnit: string;
  /** Failure modes with their ancestors (`leak`, `leak.seal-damage`). */
  failureModes: readonly string[];
  /** Processes with their ancestors. */
  processes: readonly string[];
  equipment: readonly string[];
  /** Replaced by an approved document. */
  superseded: boolean;
}

/** A document that applies, with its rank score and why. */
export interface ApplicableDocument {
  id: string;
  score: number;
  reasons: string[];
}

/** Lessons and SOPs the huddle should discuss when `kpi` deviates in `businessUnit`, best first. */
export function applicableKnowledge(
  kpi: Kpi,
  businessUnit: string,
  candidates: Iterable<KnowledgeCandidate>,
  reuse: ReadonlyMap<string, number>,
  label: (dimension: 'failureMode' | 'process' | 'equipment', id: string) => string = (_d, id) => id,
  limit = 10,
): ApplicableDocument[] {
  const results: ApplicableDocument[] = [];
  for (const doc of candidates) {
    // Retired and replaced knowledge is not what a huddle should act on: its replacement is.
    if (doc.kind === 'rca' || doc.status === 'deprecated' || doc.superseded) continue;
    let relevance = 0;
    const modes: string[] = [];
    let family = false;
    for (const id of kpi.watches.failure_modes) {
      if (doc.failureModes.includes(id)) {
        relevance += SIMILARITY_WEIGHTS.failureMode;
        modes.push(label('failureMode', id));
      } else if (doc.failureModes.some((other) => other.split('.')[0] === id.split('.')[0])) {
        relevance += SIMILARITY_WEIGHTS.failureModeFamily;
        family = true;
      }
    }
    const equipment = kpi.watches.equipment.filter((id) => doc.equipment.includes(id));
    relevance += SIMILARITY_WEIGHTS.equipment * equipment.length;
    const processes = kpi.watches.processes.filter((id) => doc.processes.includes(id));
    relevance += SIMILARITY_WEIGHTS.process * processes.length;
    if (relevance === 0) continue;
    const reasons = [
      ...(modes.length > 0 ? [`failure mode ${modes.join(', ')}`] : []),
      ...(family && modes.length === 0 ? ['a related failure mode'] : []),
      ...(equipment.length > 0 ? [`equipment ${equipment.join(', ')}`] : []),
      ...(processes.length > 0 ? [`process ${processes.map((id) => label('process', id)).join(', ')}`] : []),
    ];
    if (doc.businessUnit === businessUnit) {
      relevance += SIMILARITY_WEIGHTS.sameUnit;
      reasons.push(`from ${businessUnit}`);
    }
    results.push({
      id: doc.id,
      score: rankScore(
        relevance,
        {
          kind: doc.kind,
          status: doc.status,
          superseded: doc.superseded,
          reuse: reuse.get(doc.id) ?? 0,
          taggedTerms: 0,
        },
        undefined,
      ),
      reasons,
    });
  }
  return results.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).slice(0, limit);
}
