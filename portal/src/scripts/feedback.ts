/**
 * "Didn't help — here's why" and "suggest a change" on a document page. Builds on the
 * vote buttons and the event queue (`events.ts`): "Didn't help" still records its vote,
 * then asks one question with tap choices, which part, and an optional short text; the
 * answer is one FEEDBACK event in the same queue (kept offline, sent once online). The
 * device remembers the ids of its own feedback and, once a steward linked a fixing commit,
 * shows "updated after your feedback" on that section — offline too, from what it saved.
 */
import { FEEDBACK_REASON_LABELS, MAX_FEEDBACK_TEXT, SECTION_ANCHOR_PATTERN } from '@hansei/api/feedback-vocabulary';
import { apiUrl, track } from './events.ts';

/** Feedback this device gave, and what became of it. */
interface MyFeedback {
  clientId: string;
  documentId: string;
  section: string | null;
  givenAt: string;
  fix?: { at: string; message: string; commit: string };
}

const KEY = 'hansei:my-feedback';
/** The API answers about at most this many ids at once; older ones are dropped first. */
const KEEP = 100;
const QUERY =
  'query Updates($ids: [String!]!) { feedbackUpdates(clientIds: $ids) { clientId fixed fixedAt fixMessage fixCommit } }';

function loadMine(): MyFeedback[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? (parsed as MyFeedback[]) : [];
  } catch {
    return [];
  }
}

function saveMine(list: MyFeedback[]): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(list.slice(-KEEP)));
  } catch {
    // Storage full or blocked: the note will not show on this device, nothing else breaks.
  }
}

interface SectionRef {
  anchor: string;
  title: string;
  heading: HTMLElement;
}

/** The sections of this page: headings the components and the page mark, and Markdown headings. */
function sectionsOnPage(article: HTMLElement): SectionRef[] {
  const headings = article.querySelectorAll<HTMLElement>('[data-section][id], .doc-body :is(h2, h3)[id]');
  const seen = new Set<string>();
  const sections: SectionRef[] = [];
  for (const heading of headings) {
    if (seen.has(heading.id) || !SECTION_ANCHOR_PATTERN.test(heading.id)) continue;
    seen.add(heading.id);
    sections.push({
      anchor: heading.id,
      title: heading.dataset.section ?? heading.textContent?.trim() ?? heading.id,
      heading,
    });
  }
  return sections;
}

const dateOf = (iso: string) => new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short' });

/** Shows "updated after your feedback" under the section (or in the feedback area). */
function showUpdate(article: HTMLElement, item: MyFeedback, fallback: HTMLElement): void {
  if (!item.fix || article.querySelector(`[data-updated-for="${CSS.escape(item.clientId)}"]`)) return;
  const note = document.createElement('p');
  note.className = 'feedback-updated';
  note.setAttribute('role', 'status');
  note.dataset.updatedFor = item.clientId;
  const strong = document.createElement('strong');
  strong.textContent = 'Updated after your feedback. ';
  note.append(
    strong,
    `You said on ${dateOf(item.givenAt)} this needed a change; it was changed on ${dateOf(item.fix.at)}: “${item.fix.message}” (${item.fix.commit.slice(0, 7)}).`,
  );
  const heading = item.section ? document.getElementById(item.section) : null;
  if (heading && article.contains(heading)) heading.after(note);
  else fallback.prepend(note);
}

/** Asks the API what became of this device's feedback on this document. */
async function refreshUpdates(mine: MyFeedback[]): Promise<MyFeedback[]> {
  const url = apiUrl();
  const open = mine.filter((item) => !item.fix);
  if (!url || !navigator.onLine || open.length === 0) return [];
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: QUERY, variables: { ids: open.map((item) => item.clientId) } }),
    });
    const body = (await response.json()) as {
      data?: {
        feedbackUpdates: {
          clientId: string;
          fixed: boolean;
          fixedAt: string | null;
          fixMessage: string | null;
          fixCommit: string | null;
        }[];
      };
    };
    const fixed = new Map((body.data?.feedbackUpdates ?? []).filter((u) => u.fixed).map((u) => [u.clientId, u]));
    if (fixed.size === 0) return [];
    const all = loadMine();
    for (const item of all) {
      const update = fixed.get(item.clientId);
      if (update && !item.fix)
        item.fix = { at: update.fixedAt ?? '', message: update.fixMessage ?? '', commit: update.fixCommit ?? '' };
    }
    saveMine(all);
    return all.filter((item) => fixed.has(item.clientId));
  } catch {
    return []; // offline or the API is down: try again on the next visit
  }
}

function setUp(article: HTMLElement, documentId: string): void {
  const area = article.querySelector<HTMLElement>('[data-feedback-area]');
  const form = article.querySelector<HTMLFormElement>('[data-feedback-form]');
  const sentNote = article.querySelector<HTMLElement>('[data-feedback-sent]');
  if (!area || !form || !sentNote) return;
  const question = form.querySelector<HTMLElement>('[data-feedback-question]');
  const select = form.querySelector<HTMLSelectElement>('select[name="section"]');
  const text = form.querySelector<HTMLTextAreaElement>('textarea[name="text"]');
  const count = form.querySelector<HTMLElement>('[data-feedback-count]');
  const sections = sectionsOnPage(article);
  let origin: 'NOT_HELPFUL' | 'SUGGESTION' = 'NOT_HELPFUL';
  const buttons = new Map<string, HTMLButtonElement>();

  for (const section of sections) {
    select?.append(new Option(section.title, section.anchor));
    const suggest = document.createElement('button');
    suggest.type = 'button';
    suggest.className = 'button suggest-button no-print';
    suggest.textContent = 'Suggest a change';
    suggest.setAttribute('aria-label', `Suggest a change to “${section.title}”`);
    suggest.addEventListener('click', () => open('SUGGESTION', section));
    section.heading.after(suggest);
    buttons.set(section.anchor, suggest);
  }

  const open = (from: typeof origin, section?: SectionRef) => {
    origin = from;
    if (question) question.textContent = from === 'SUGGESTION' ? 'What should change here?' : "Why didn't it help?";
    if (select) select.value = section?.anchor ?? '';
    // Ask right where the reader is: under the section, or under the vote buttons.
    const button = section ? buttons.get(section.anchor) : undefined;
    if (button) button.after(form);
    else area.append(form);
    form.hidden = false;
    sentNote.textContent = '';
    form.querySelector<HTMLInputElement>('input[name="reason"]')?.focus();
  };

  article.querySelector('[data-feedback="not_helpful"]')?.addEventListener('click', () => open('NOT_HELPFUL'));
  article.querySelector('[data-feedback-cancel]')?.addEventListener('click', () => {
    form.hidden = true;
    form.reset();
  });
  text?.addEventListener('input', () => {
    if (count) count.textContent = `${[...text.value].length} / ${MAX_FEEDBACK_TEXT}`;
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const reason = String(data.get('reason') ?? '');
    if (!reason) return;
    const section = String(data.get('section') ?? '') || null;
    const words = String(data.get('text') ?? '').trim();
    const clientId = track({
      kind: 'FEEDBACK',
      documentId,
      feedback: {
        reason,
        origin,
        ...(section ? { section } : {}),
        // The API refuses longer text; the textarea's maxlength counts UTF-16 units, so cut by characters.
        ...(words ? { text: [...words].slice(0, MAX_FEEDBACK_TEXT).join('') } : {}),
      },
    });
    form.hidden = true;
    form.reset();
    area.append(form);
    if (!clientId) {
      sentNote.textContent =
        'This copy of the portal is not connected to Hansei, so feedback cannot be sent from here.';
      return;
    }
    saveMine([...loadMine(), { clientId, documentId, section, givenAt: new Date().toISOString() }]);
    const steward = area.dataset.steward ?? 'the steward';
    const label = FEEDBACK_REASON_LABELS[reason.toLowerCase() as keyof typeof FEEDBACK_REASON_LABELS] ?? reason;
    sentNote.textContent = navigator.onLine
      ? `Thank you. “${label}” goes to ${steward}, who looks after this document.`
      : `Thank you. “${label}” is saved on this device and goes to ${steward} when the network is back.`;
  });

  const mine = loadMine().filter((item) => item.documentId === documentId);
  for (const item of mine) showUpdate(article, item, area);
  void refreshUpdates(mine).then((fixed) => {
    for (const item of fixed) showUpdate(article, item, area);
  });
}

const article = document.querySelector<HTMLElement>('article[data-document-id]');
if (article?.dataset.documentId) setUp(article, article.dataset.documentId);
