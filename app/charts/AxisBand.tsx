import type { ScaleBand } from 'd3';

export function XAxisBand({ scale, y, fmt }: { scale: ScaleBand<number>; y: number; fmt: (v: number) => string }) {
  const d = scale.domain();
  const every = Math.max(1, Math.ceil(d.length / 8));
  return (
    <g transform={`translate(0,${y})`}>
      <line x1={scale.range()[0]} x2={scale.range()[1]} stroke="#888" />
      {d.map((v, i) =>
        i % every === 0 ? (
          <text key={v} x={(scale(v) ?? 0) + scale.bandwidth() / 2} y={14} textAnchor="middle" fontSize={10}>
            {fmt(v)}
          </text>
        ) : null,
      )}
    </g>
  );
}
