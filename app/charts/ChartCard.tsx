/** A titled chart with its metric definitions and an "Export SVG" button. */
import { useRef, type ReactNode, type RefObject } from 'react';
import { exportSvg } from '../export/svg';
import { slug } from '../export/download';

export function ChartCard(props: {
  title: string;
  definitions: string[];
  file: string;
  legend?: ReactNode;
  children: ReactNode;
  /** The card's element, for a chart that watches whether it is on screen (useHistoryTick). */
  box?: RefObject<HTMLElement | null>;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const save = () => {
    const svg = ref.current?.querySelector('svg');
    if (svg) exportSvg(svg, `fragscope_${slug(props.file)}.svg`);
  };
  return (
    <section className="card chart" data-testid={`chart-${slug(props.title)}`} ref={props.box}>
      <header>
        <h3>{props.title}</h3>
        <button type="button" onClick={save}>
          Export SVG
        </button>
      </header>
      {props.legend}
      <div ref={ref}>{props.children}</div>
      {props.definitions.map((d) => (
        <p key={d} className="definition">
          {d}
        </p>
      ))}
    </section>
  );
}
