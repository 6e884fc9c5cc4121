/** d3 axes rendered by React: ticks come from the scale, the markup is JSX. */
import type { ScaleLinear } from 'd3';

export function XAxis({ scale, y, label }: { scale: ScaleLinear<number, number>; y: number; label?: string }) {
  const ticks = scale.ticks(6);
  const fmt = scale.tickFormat(6, '~s');
  const [r0, r1] = scale.range() as [number, number];
  return (
    <g transform={`translate(0,${y})`}>
      <line className="domain" x1={r0} x2={r1} stroke="#888" />
      {ticks.map((t) => (
        <g key={t} transform={`translate(${scale(t)},0)`}>
          <line y2={4} stroke="#888" />
          <text y={14} textAnchor="middle" fontSize={10}>
            {fmt(t)}
          </text>
        </g>
      ))}
      {label && (
        <text x={r1} y={24} textAnchor="end" fontSize={10} fill="#555">
          {label}
        </text>
      )}
    </g>
  );
}

export function YAxis({
  scale,
  x,
  fmt,
  width,
}: {
  scale: ScaleLinear<number, number>;
  x: number;
  fmt: (v: number) => string;
  width: number;
}) {
  const ticks = scale.ticks(5);
  return (
    <g transform={`translate(${x},0)`}>
      {ticks.map((t) => (
        <g key={t} transform={`translate(0,${scale(t)})`}>
          <line x2={width} stroke="#eee" />
          <line x2={-4} stroke="#888" />
          <text x={-6} dy="0.32em" textAnchor="end" fontSize={10}>
            {fmt(t)}
          </text>
        </g>
      ))}
      <line className="domain" y1={scale.range()[0]} y2={scale.range()[1]} stroke="#888" />
    </g>
  );
}
