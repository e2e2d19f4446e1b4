/**
 * Draws the QR codes of a label sheet for this portal's origin: each code holds the full
 * URL of an equipment page. Error correction M (15% of the code may be dirt or scratches
 * on a shop-floor label); `uqr` encodes, one SVG path draws the dark modules.
 */
import { encode } from 'uqr';

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG of a QR code: one path of dark modules inside a quiet zone of 4 modules. */
function qrSvg(text: string): SVGSVGElement {
  const { size, data } = encode(text, { ecc: 'M', border: 4 });
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.setAttribute('aria-hidden', 'true');
  const background = document.createElementNS(SVG, 'rect');
  background.setAttribute('width', String(size));
  background.setAttribute('height', String(size));
  background.setAttribute('fill', '#fff');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute(
    'd',
    data.flatMap((row, y) => row.flatMap((dark, x) => (dark ? [`M${x} ${y}h1v1h-1z`] : []))).join(''),
  );
  path.setAttribute('fill', '#000');
  svg.append(background, path);
  return svg;
}

for (const box of document.querySelectorAll<HTMLElement>('[data-qr-path]')) {
  box.replaceChildren(qrSvg(new URL(box.dataset.qrPath ?? '/', location.origin).href));
}
document.querySelector('[data-print-labels]')?.addEventListener('click', () => window.print());
