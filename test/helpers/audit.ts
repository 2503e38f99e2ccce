// A fresh clone of a repository, as a teammate or CI would have it (no store), and the audit's
// JSON report of a repository.
import { join } from 'node:path';
import { cli, json } from './cli.js';
import { git, tempDir } from './git.js';

export interface AuditJson {
  ok: boolean;
  findings: { code: string; phase: number | null; commit: string | null; message: string }[];
}

export function cloneOf(repo: string): string {
  const dir = join(tempDir(), 'clone');
  git(repo, 'clone', '--quiet', repo, dir);
  return dir;
}

export function auditOf(repo: string): { code: number | null; report: AuditJson } {
  const result = cli(repo, ['audit', '--json']);
  return { code: result.code, report: json<AuditJson>(result) };
}
