// Small deterministic text helpers for generated artifacts.

/** "Search bookmarks by words" -> "Search Bookmarks By Words" from the first few words. */
export function componentName(goal: string, words = 3): string {
  const cleaned = goal.replace(/[^A-Za-z0-9 -]/g, ' ').split(/\s+/).filter((w) => w !== '' && !STOP.has(w.toLowerCase()));
  const picked = cleaned.slice(0, words).map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase());
  return picked.length > 0 ? picked.join(' ') : 'Core';
}

const STOP = new Set(['a', 'an', 'the', 'and', 'or', 'as', 'so', 'of', 'to', 'in', 'by', 'with', 'from', 'for', 'its', 'their', 'who', 'which', 'under']);

export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 48) || 'decision';
}

export function pad(n: number, width = 3): string {
  return String(n).padStart(width, '0');
}
