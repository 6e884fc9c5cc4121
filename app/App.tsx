import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { CallSites } from './callers/CallSites';
import { AnimateExport } from './animate/AnimateExport';
import { Charts } from './charts/Charts';
import { DiffView } from './diff/DiffView';
import { ConfirmRun } from './controls/ConfirmRun';
import { Controls } from './controls/Controls';
import { FailureExplain } from './controls/FailureExplain';
import { Failures, OpList } from './controls/OpList';
import { MapsPanel } from './map/MapsPanel';
import { reset, startOrAsk } from './runtime/actions';
import { SetupPanel } from './setup/SetupPanel';
import { useStore } from './store/store';
import { decodeUrl } from './url-state';

const isolated =
  typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated && typeof SharedArrayBuffer === 'function';

function Isolation() {
  return (
    <p data-testid="isolation" className={isolated ? 'isolation ok' : 'isolation missing'}>
      {isolated
        ? 'Cross-origin isolated: yes (SharedArrayBuffer available).'
        : 'Cross-origin isolated: no. SharedArrayBuffer is unavailable, so the simulation cannot run. ' +
          'The page must be served with the headers Cross-Origin-Opener-Policy: same-origin and ' +
          'Cross-Origin-Embedder-Policy: require-corp. Use `npm run dev` or `npm run preview`.'}
    </p>
  );
}

function Banners() {
  const { status, error, urlErrors, setUrlErrors } = useStore(
    useShallow((s) => ({
      status: s.status,
      error: s.error,
      urlErrors: s.urlErrors,
      setUrlErrors: s.setUrlErrors,
    })),
  );
  return (
    <>
      {status === 'error' && (
        <div className="banner error" role="alert" data-testid="worker-error">
          <b>The run stopped:</b> {error}{' '}
          <button type="button" onClick={() => void reset()}>
            Reset the run
          </button>
        </div>
      )}
      {urlErrors.length > 0 && (
        <div className="banner warn" role="alert" data-testid="url-errors">
          <b>The shared link has invalid parts; defaults are used for them:</b>
          <ul>
            {urlErrors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
          <button type="button" onClick={() => setUrlErrors([])}>
            Dismiss
          </button>
        </div>
      )}
    </>
  );
}

export function App() {
  useEffect(() => {
    if (!isolated) return;
    const { setup, op, errors } = decodeUrl(location.search);
    const st = useStore.getState();
    st.setSetup(setup);
    st.setUrlErrors(errors);
    void startOrAsk(setup, op);
  }, []);

  return (
    <main className="app">
      <header className="top">
        <h1>Fragscope</h1>
        <span className="muted">
          how allocators fragment: the 2006 network tree allocator against Linux SLAB, SLUB and the buddy allocator
        </span>
        <Isolation />
      </header>
      {isolated && (
        <div className="layout">
          <aside>
            <SetupPanel />
            <OpList />
          </aside>
          <div className="main">
            <Banners />
            <Controls />
            <Failures />
            <FailureExplain />
            <MapsPanel />
            <CallSites />
            <AnimateExport />
            <DiffView />
            <Charts />
          </div>
          <ConfirmRun />
        </div>
      )}
    </main>
  );
}
