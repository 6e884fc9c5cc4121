import { describe, expect, it } from 'vitest';
import type { FailureExplanation } from '../../engine/core/explain';
import { reportHtml, type ReportData } from './report';

const explanation = {
  paragraph: 'NTA (blog) CPU 0: 300 B asked (320 B, 10 chunks); <no> growth.',
} as FailureExplanation;

const data: ReportData = {
  title: 'Fragscope report',
  setup: 'producer-consumer, 2 CPUs, seed 1',
  link: 'http://x/?w=producer-consumer&a=nta',
  failures: [
    {
      op: 12,
      lanes: [
        {
          label: 'NTA (blog)',
          map: { src: 'data:image/png;base64,AAA', width: 4094, height: 128, pages: 4094 },
          explanation,
        },
        {
          label: 'pow2',
          map: { src: 'data:image/png;base64,BBB', width: 4094, height: 128, pages: 4094 },
          explanation: null,
        },
      ],
    },
  ],
  failureCounts: [
    { label: 'NTA (blog)', count: 3 },
    { label: 'pow2', count: 0 },
  ],
  charts: ['<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"><text>u</text></svg>\n'],
};

describe('the one-page report', () => {
  it('puts each map with its explanation under its op, the charts inline, and escapes the text', () => {
    const html = reportHtml(data);
    expect(html.match(/<img /g)).toHaveLength(2);
    expect(html).toContain('<img src="data:image/png;base64,AAA" width="4094" height="128" alt="NTA (blog) at op 12">');
    expect(html).toContain(
      '<p class="explanation">NTA (blog) CPU 0: 300 B asked (320 B, 10 chunks); &lt;no&gt; growth.</p>',
    );
    expect(html).toContain('<p class="explanation">pow2 did not fail at this op.</p>');
    expect(html).toContain('<div class="charts"><svg xmlns="http://www.w3.org/2000/svg"><text>u</text></svg>');
    expect(html).not.toContain('<?xml');
    expect(html).toContain('Failed allocations: NTA (blog): 3 · pow2: 0.');
  });

  it('says when nothing failed', () => {
    expect(reportHtml({ ...data, failures: [] })).toContain('No allocation failed up to the cursor.');
  });
});
