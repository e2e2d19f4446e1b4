/**
 * A unit's KPI board: asks the API for the live red-amber-green status of each series
 * (status, why, trend, latest reading) and fills in the baked page. Offline, or without
 * an API, the page keeps what the build put in: thresholds, rules and what to discuss.
 */
import { apiUrl } from './events.ts';

interface SeriesStatus {
  kpi: { kpiId: string; unit: string };
  line: string | null;
  status: 'GREEN' | 'AMBER' | 'RED' | 'NO_DATA';
  why: { level: string; message: string }[];
  trend: 'IMPROVING' | 'STABLE' | 'WORSENING' | 'NOT_ENOUGH_DATA';
  latest: { value: number; measuredAt: string } | null;
  openTrigger: { level: string; openedAt: string } | null;
}

const QUERY = `query KpiBoard($unit: String!) {
  kpiStatus(businessUnit: $unit) {
    kpi { kpiId unit } line status why { level message } trend
    latest { value measuredAt } openTrigger { level openedAt }
  }
}`;

const STATUS_TEXT = { GREEN: 'Green', AMBER: 'Amber', RED: 'Red', NO_DATA: 'No readings yet' } as const;
const TREND_TEXT = {
  IMPROVING: 'Trend: improving',
  STABLE: 'Trend: stable',
  WORSENING: 'Trend: getting worse',
  NOT_ENOUGH_DATA: '',
} as const;

const board = document.querySelector<HTMLElement>('[data-kpi-board]');
const live = document.querySelector<HTMLElement>('[data-kpi-live]');

const when = (instant: string) => new Date(instant).toISOString().slice(0, 16).replace('T', ' ');

function show(series: SeriesStatus): void {
  const box = document.querySelector<HTMLElement>(
    `[data-kpi-series][data-kpi="${CSS.escape(series.kpi.kpiId)}"][data-line="${CSS.escape(series.line ?? '')}"]`,
  );
  if (!box) return;
  // The pill on the series card and the one in the overview at the top.
  const key = `${series.kpi.kpiId}|${series.line ?? ''}`;
  for (const status of document.querySelectorAll<HTMLElement>(`[data-kpi-status="${CSS.escape(key)}"]`)) {
    status.textContent = STATUS_TEXT[series.status];
    status.className = `kpi-status status-${series.status.toLowerCase().replace('_', '-')}`;
  }
  box.dataset.status = series.status;
  const latest = box.querySelector<HTMLElement>('[data-kpi-latest]');
  if (latest && series.latest) {
    const unit = series.kpi.unit === '%' ? '%' : ` ${series.kpi.unit}`;
    latest.textContent = `Latest: ${series.latest.value}${unit} at ${when(series.latest.measuredAt)} UTC${
      series.openTrigger
        ? ` · ${series.openTrigger.level.toLowerCase()} since ${when(series.openTrigger.openedAt)} UTC`
        : ''
    }`;
    latest.hidden = false;
  }
  const why = box.querySelector<HTMLElement>('[data-kpi-why]');
  if (why) {
    why.replaceChildren(
      ...series.why.map((hit) => {
        const item = document.createElement('li');
        item.textContent = hit.message;
        return item;
      }),
    );
    why.hidden = series.why.length === 0;
  }
  const trend = box.querySelector<HTMLElement>('[data-kpi-trend]');
  if (trend) {
    trend.textContent = TREND_TEXT[series.trend];
    trend.hidden = trend.textContent === '';
  }
}

async function refresh(): Promise<void> {
  const url = apiUrl();
  const unit = board?.dataset.kpiBoard;
  if (!url || !unit || !live) return;
  if (!navigator.onLine) return; // the baked text already says live status needs a connection
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: QUERY, variables: { unit } }),
    });
    const body = (await response.json()) as { data?: { kpiStatus: SeriesStatus[] } };
    if (!body.data) throw new Error('no data');
    for (const series of body.data.kpiStatus) show(series);
    live.textContent = `Live status at ${when(new Date().toISOString())} UTC.`;
  } catch {
    live.textContent = 'Live status is not available right now. Thresholds and what to discuss below still apply.';
  }
}

void refresh();
window.addEventListener('online', () => void refresh());
