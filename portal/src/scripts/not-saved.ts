/** The "not saved on this device" page: which address was asked for, and a retry that reloads it. */
const address = document.querySelector<HTMLElement>('[data-not-saved-address]');
if (address && location.pathname !== '/offline/') address.textContent = `Asked for: ${location.pathname}`;
document.querySelector('[data-retry]')?.addEventListener('click', () => location.reload());
// Back online: try again by itself, the reader may have put the tablet down.
window.addEventListener('online', () => location.reload());
