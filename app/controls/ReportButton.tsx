/**
 * Export report: the one-page report (export/report.ts) of the failures up to the cursor (the
 * first REPORT_FAILURES): it goes to each failure as f would, draws every allocator's map there
 * from the run's shared buffers, takes its explanation, then comes back to where the cursor was.
 */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { createAllocator } from '../../engine/allocators/registry';
import { download, slug } from '../export/download';
import { mapImage, REPORT_FAILURES, reportHtml, type ReportData } from '../export/report';
import { svgText } from '../export/svg';
import { seek } from '../runtime/actions';
import { gotoFailure, knownFailureOps, useExplained } from '../runtime/explain';
import { useStore } from '../store/store';
import { workloadLabel } from '../url-state';

async function makeReport(progress: (s: string) => void): Promise<void> {
  const st = useStore.getState();
  const { info, runSetup, summary } = st;
  if (!info || !runSetup || !summary) return;
  const back = summary.op;
  // The charts as they are at the cursor, before the report moves it.
  const charts = [...document.querySelectorAll<SVGSVGElement>('.charts .chart svg')].map(svgText);
  const counts = summary.allocators.map((a) => ({ label: a.label, count: a.failureCount }));
  const ops = knownFailureOps().slice(0, REPORT_FAILURES);
  const allocators = info.allocators.map((i) => createAllocator(i.spec, i.cpus, i.buffers, false));
  const view = { highFirst: st.highFirst, sorted: st.sorted };
  const failures: ReportData['failures'] = [];
  for (const [n, op] of ops.entries()) {
    progress(`failure ${n + 1} of ${ops.length}`);
    await gotoFailure(op);
    const ex = useExplained.getState().explained;
    const lanes = [];
    for (const [k, a] of allocators.entries())
      lanes.push({
        label: a.label,
        map: await mapImage(a, view),
        explanation: ex?.op === op ? (ex.lanes[k] ?? null) : null,
      });
    failures.push({ op, lanes });
  }
  if (useStore.getState().summary?.op !== back) await seek(back);
  const w = workloadLabel(runSetup);
  const html = reportHtml({
    title: `Fragscope: ${w}, ${info.allocators.map((a) => a.label).join(' vs ')}`,
    setup: `${w}, seed ${runSetup.seed}, ${runSetup.cpus} CPU${runSetup.cpus === 1 ? '' : 's'}, ${runSetup.schedule}, op ${back}`,
    link: location.href,
    failures,
    failureCounts: counts,
    charts,
  });
  download(`fragscope_report_${slug(w)}_op${back}.html`, html, 'text/html');
}

export function ReportButton() {
  const { ready, playing } = useStore(
    useShallow((s) => ({ ready: s.status === 'ready', playing: s.summary?.playing ?? false })),
  );
  const [busy, setBusy] = useState<string | null>(null);
  return (
    <button
      type="button"
      disabled={!ready || playing || busy !== null}
      title="one HTML page: each allocator's map at each failure (the first 8), the charts and why each failed"
      onClick={() => {
        setBusy('starting');
        void makeReport(setBusy).finally(() => setBusy(null));
      }}
    >
      {busy ? `Report: ${busy}…` : 'Export report'}
    </button>
  );
}
