// Placeholder UI: the real Fragscope interface will replace this.
export function App() {
  const isolated = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
  return (
    <main>
      <h1>Fragscope</h1>
      <p data-testid="isolation">
        {isolated
          ? 'Cross-origin isolated: yes (SharedArrayBuffer available).'
          : 'Cross-origin isolated: no. SharedArrayBuffer is unavailable, so the simulation cannot run. ' +
            'The page must be served with the headers Cross-Origin-Opener-Policy: same-origin and ' +
            'Cross-Origin-Embedder-Policy: require-corp. Use `npm run dev` or `npm run preview`.'}
      </p>
    </main>
  );
}
