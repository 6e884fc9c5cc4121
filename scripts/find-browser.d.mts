/** Types of find-browser.mjs (imported by playwright.config.ts). */
export function browserCandidates(): { label: string; file: string }[];
export function findBrowser(): string | null;
export function ensureBrowser(log?: (line: string) => void): string | null;
export const NO_BROWSER: string;
