/** Serialise a rendered chart <svg> (inline styles included) to a standalone file. */
import { download } from './download';

export function svgText(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const style = document.createElementNS('http://www.w3.org/2000/svg', 'style');
  style.textContent = 'text{font:10px sans-serif;fill:#222}.domain,.tick line{stroke:#888}.grid line{stroke:#eee}';
  clone.insertBefore(style, clone.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}\n`;
}

export function exportSvg(svg: SVGSVGElement, name: string): void {
  download(name, svgText(svg), 'image/svg+xml');
}
