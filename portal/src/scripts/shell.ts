/** Every page: service worker, online status, the event queue and per-document beacons. */
import { flush, pending, track } from './events.ts';

if ('serviceWorker' in navigator) {
  void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
}

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

const article = document.querySelector<HTMLElement>('[data-document-id]');
const documentId = article?.dataset.documentId;
if (documentId) {
  // Opened from a unit's KPI board (`?unit=`): the view counts as read by that unit. Only
  // units the build knows, so a mistyped link cannot block the event queue.
  const unit = new URLSearchParams(location.search).get('unit') ?? '';
  const known = article?.dataset.businessUnits?.split(' ') ?? [];
  track({ kind: 'VIEW', documentId, ...(known.includes(unit) ? { businessUnit: unit } : {}) });
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-feedback]')) {
    button.addEventListener('click', () => {
      const kind = button.dataset.feedback === 'helpful' ? 'HELPFUL' : 'NOT_HELPFUL';
      track({ kind, documentId });
      const thanks = document.querySelector<HTMLElement>('[data-feedback-thanks]');
      if (thanks) thanks.textContent = 'Thank you: your answer helps the next shift.';
      for (const other of document.querySelectorAll<HTMLButtonElement>('[data-feedback]')) {
        other.setAttribute('aria-pressed', String(other === button));
      }
    });
  }
  for (const link of document.querySelectorAll<HTMLAnchorElement>('[data-download]')) {
    link.addEventListener('click', () => track({ kind: 'DOWNLOAD', documentId }));
  }
  document.querySelector('[data-print]')?.addEventListener('click', () => window.print());
}
