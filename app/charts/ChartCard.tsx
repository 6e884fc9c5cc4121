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
    // content-visibility: the browser skips the layout and paint of a card off screen (the charts
    // sit below the maps, and while a run plays their redraws would otherwise be laid out and
    // painted for no one); the size it keeps meanwhile is the card's last one.
    <section
      className="card chart"
      data-testid={`chart-${slug(props.title)}`}
      ref={props.box}
      style={{ contentVisibility: 'auto', containIntrinsicSize: 'auto 420px' }}
    >
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
