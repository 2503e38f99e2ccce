// Tokens and cost, as people read them: "6.0k in, 300 out, $0.03".
import type { Usage } from '../../runner/status.js';

function tokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

export function usageText(usage: Usage | null): string {
  if (usage === null) return '-';
  const parts: string[] = [];
  if (usage.tokens_in !== null) parts.push(`${tokens(usage.tokens_in)} in`);
  if (usage.tokens_out !== null) parts.push(`${tokens(usage.tokens_out)} out`);
  if (usage.cost_usd !== null) parts.push(`$${usage.cost_usd.toFixed(usage.cost_usd < 0.1 ? 4 : 2)}`);
  return parts.join(', ');
}
