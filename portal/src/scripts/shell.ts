/** Every page: service worker, online status, the event queue and per-document beacons. */
import { flush, pending, track } from './events.ts';

if ('serviceWorker' in navigator) {
  void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
}

/**
 * Whether this device has a font for `text`: drawn next to two private-use characters
 * (which no font draws: they show the missing-glyph box), the pixels differ only if it does.
 */
function canDraw(text: string, font: string): boolean {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 32;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) return true;
  const pixels = (sample: string) => {
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.font = font;
    context.fillText(sample, 0, 24);
    return context.getImageData(0, 0, canvas.width, canvas.height).data.join();
  };
  return pixels(text) !== pixels('\uE000\uE001');
}

// 反省 in the brand: shown where the tablet has a Japanese font, left out where it would be two empty boxes.
const kanji = document.querySelector<HTMLElement>('[data-brand-kanji]');
if (kanji && !canDraw(kanji.textContent ?? '', `24px ${getComputedStyle(kanji).fontFamily}`)) kanji.hidden = true;

const status = document.querySelector<HTMLElement>('[data-net-status]');
function showStatus(): void {
  if (!status) return;
  const queued = pending();
  status.textContent = navigator.onLine
    ? ''
    : `Offline: showing saved pages${queued ? `, ${queued} event${queued === 1 ? '' : 's'} waiting` : ''}`;
}
window.addEventListener('online', () => {
  showStatus();
  void flush();
});
window.addEventListener('offline', showStatus);
showStatus();
void flush();

type Vote = 'HELPFUL' | 'NOT_HELPFUL';
const VOTES = 'hansei:votes';

/** The vote this device gave on each document (kept for the newest 500 documents). */
function loadVotes(): Record<string, Vote> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(VOTES) ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, Vote>) : {};
  } catch {
    return {};
  }
}

function saveVote(documentId: string, vote: Vote): void {
  const votes = loadVotes();
  delete votes[documentId]; // re-added last: the oldest votes are dropped first
  const entries = [...Object.entries(votes), [documentId, vote] as const].slice(-500);
  try {
    localStorage.setItem(VOTES, JSON.stringify(Object.fromEntries(entries)));
  } catch {
    // Storage full or blocked: the vote is still sent, only not remembered.
  }
}

/**
 * One vote per device and document: the device remembers it (the button stays pressed
 * after a reload), a tap on the same answer sends nothing, and a changed mind sends the
 * new answer once (the API replaces the earlier vote).
 */
function setUpVote(documentId: string): void {
  const buttons = [...document.querySelectorAll<HTMLButtonElement>('[data-feedback]')];
  const thanks = document.querySelector<HTMLElement>('[data-feedback-thanks]');
  const kindOf = (button: HTMLButtonElement): Vote =>
    button.dataset.feedback === 'helpful' ? 'HELPFUL' : 'NOT_HELPFUL';
  const press = (vote: Vote | undefined) => {
    for (const button of buttons) button.setAttribute('aria-pressed', String(kindOf(button) === vote));
  };
  const given = loadVotes()[documentId];
  press(given);
  if (given && thanks) thanks.textContent = 'Your answer is saved on this device. Tap the other button to change it.';
  for (const button of buttons) {
    button.addEventListener('click', () => {
      const vote = kindOf(button);
      if (loadVotes()[documentId] !== vote) {
        track({ kind: vote, documentId });
        saveVote(documentId, vote);
      }
      press(vote);
      if (thanks) thanks.textContent = 'Thank you: your answer helps the next shift.';
    });
  }
}

// A QR label scanned (`?qr=1` on an equipment page): recorded as a look-up of the asset
// tag, like typing it into search (a VIEW needs a document). Once: the reload drops the mark.
const scanned = document.querySelector<HTMLElement>('[data-asset-tag]');
if (scanned?.dataset.assetTag && new URLSearchParams(location.search).has('qr')) {
  track({
    kind: 'SEARCH',
    query: scanned.dataset.assetTag,
    resultCount: Number(scanned.dataset.documents ?? 0),
    match: 'STRONG',
  });
  history.replaceState(null, '', location.pathname);
}

const article = document.querySelector<HTMLElement>('[data-document-id]');
const documentId = article?.dataset.documentId;
if (documentId) {
  // Opened from a unit's KPI board (`?unit=`): the view counts as read by that unit. Only
  // units the build knows, so a mistyped link cannot block the event queue.
  const unit = new URLSearchParams(location.search).get('unit') ?? '';
  const known = article?.dataset.businessUnits?.split(' ') ?? [];
  track({ kind: 'VIEW', documentId, ...(known.includes(unit) ? { businessUnit: unit } : {}) });
  setUpVote(documentId);
  for (const link of document.querySelectorAll<HTMLAnchorElement>('[data-download]')) {
    link.addEventListener('click', () => track({ kind: 'DOWNLOAD', documentId }));
  }
  document.querySelector('[data-print]')?.addEventListener('click', () => window.print());
}
