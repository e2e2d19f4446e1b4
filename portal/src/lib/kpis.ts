/**
 * What the portal bakes in about KPIs, computed once per build with the api's own rules
 * (`kpi/rules.ts`, `kpi/knowledge.ts`, `kpi/recurrence.ts`): each unit's KPIs with their
 * thresholds and rules in plain words, the lessons and SOP prompts that apply, and which
 * lessons' fixes are challenged. Live status is fetched from the API in the browser.
 * Red learning triggers are read from the events store when the build can see one
 * (`$HANSEI_DATA_DIR` or `$HANSEI_EVENTS_URL`, else the `.hansei/` beside the content).
 */
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { applicableKnowledge, type KnowledgeCandidate } from '@hansei/api/kpi-knowledge';
import { corpusFacts, type FixChallenge, fixChallenges } from '@hansei/api/kpi-recurrence';
import { describeRules, type SeriesScope, scopesOf } from '@hansei/api/kpi-rules';
import { parseDocument } from '@hansei/api/parse-document';
import { redKpiTriggers } from '@hansei/api/review-sources';
import { storageConfig } from '@hansei/api/storage';
import { extractStructure, type Prompt } from '@hansei/api/structure';
import { selfAndAncestors } from '@hansei/api/taxonomy';
import type { Kpi } from '@hansei/api/taxonomy-schema';
import { contentDir } from './content-dir.ts';
import { type Corpus, type DocInfo, loadCorpus } from './corpus.ts';

/** One series on a KPI page: a line (or the unit), its thresholds and rules. */
export interface SeriesView {
  scope: SeriesScope;
  rules: string[];
}

/** A document to discuss at the next huddle, with its SOP prompts. */
export interface KnowledgeView {
  doc: DocInfo;
  reasons: string[];
  prompts: Prompt[];
}

export interface KpiView {
  kpi: Kpi;
  series: SeriesView[];
  knowledge: KnowledgeView[];
}

export interface KpiBoard {
  /** Unit id → its KPIs, in kpis.yaml order; only units that measure at least one. */
  units: Map<string, KpiView[]>;
  /** Lesson id → why its fix is challenged (absent while it holds). */
  challenges: Map<string, FixChallenge[]>;
  /** Whether red KPI triggers could be read at build time. */
  eventsRead: boolean;
}

let loading: Promise<KpiBoard> | undefined;

/** The KPI board, loaded once per build. */
export function loadKpiBoard(): Promise<KpiBoard> {
  loading ??= buildBoard();
  return loading;
}

async function buildBoard(): Promise<KpiBoard> {
  const corpus = await loadCorpus();
  const kpis = corpus.taxonomy.kpis;
  const candidates = knowledgeCandidates(corpus);
  const label = (dimension: 'failureMode' | 'process' | 'equipment', id: string) =>
    ({
      failureMode: corpus.taxonomy.failureModes,
      process: corpus.taxonomy.processes,
      equipment: corpus.taxonomy.equipment,
    })[dimension].get(id)?.label ?? id;
  const prompts = new Map<string, Promise<Prompt[]>>();
  const promptsOf = (doc: DocInfo) => {
    let pending = prompts.get(doc.id);
    if (!pending) {
      pending = sopPrompts(doc);
      prompts.set(doc.id, pending);
    }
    return pending;
  };
  const units = new Map<string, KpiView[]>();
  for (const unit of corpus.taxonomy.businessUnits.keys()) {
    const views: KpiView[] = [];
    for (const kpi of kpis.values()) {
      const scopes = scopesOf(kpi, unit);
      if (scopes.length === 0) continue;
      // No reuse figures at build time: ranked by the search factors the build knows.
      const applicable = applicableKnowledge(kpi, unit, candidates, new Map(), label, 8);
      const knowledge: KnowledgeView[] = [];
      for (const item of applicable) {
        const doc = corpus.docs.get(item.id);
        if (doc) knowledge.push({ doc, reasons: item.reasons, prompts: await promptsOf(doc) });
      }
      views.push({
        kpi,
        series: scopes.map((scope) => ({ scope, rules: describeRules(kpi, scope.thresholds) })),
        knowledge,
      });
    }
    if (views.length > 0) units.set(unit, views);
  }
  const dataDir = process.env.HANSEI_DATA_DIR ?? join(contentDir, '..', '.hansei');
  const redTriggers = await redKpiTriggers(storageConfig(dataDir)).catch(() => undefined);
  const { lessons, rcas } = corpusFacts([...corpus.docs.values()].map((doc) => doc.entry.data));
  const challenges = fixChallenges(lessons, { rcas, redTriggers: redTriggers ?? [], kpis });
  return { units, challenges, eventsRead: redTriggers !== undefined };
}

/** The corpus as knowledge candidates (terms with their ancestors, like the index). */
function knowledgeCandidates(corpus: Corpus): KnowledgeCandidate[] {
  return [...corpus.docs.values()].map((doc) => {
    const data = doc.entry.data;
    return {
      id: doc.id,
      kind: data.kind,
      status: data.status,
      businessUnit: data.business_unit,
      failureModes: [...new Set(data.failure_modes.flatMap(selfAndAncestors))],
      processes: [...new Set(data.processes.flatMap(selfAndAncestors))],
      equipment: data.equipment,
      superseded: doc.supersededBy.length > 0,
    };
  });
}

/** An SOP's reflection prompts, read from its syntax tree as the indexer reads them. */
async function sopPrompts(doc: DocInfo): Promise<Prompt[]> {
  if (doc.entry.data.kind !== 'sop' || !doc.entry.filePath) return [];
  const file = resolve(doc.entry.filePath);
  const parsed = parseDocument(relative(contentDir, file).split('\\').join('/'), await readFile(file));
  return parsed.document ? extractStructure(parsed.document).prompts : [];
}
