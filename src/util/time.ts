// Time formatting for humans and the store.

/** The current time as an ISO-8601 string (the store's and exit.json's format). */
export function nowIso(): string {
  return new Date().toISOString();
}

/** "4.2s", "3m05s", "1h02m": short enough for a progress line. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 100) / 10);
  if (s < 60) return `${s.toFixed(1)}s`;
  const total = Math.floor(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  return `${m}m${String(sec).padStart(2, '0')}s`;
}
