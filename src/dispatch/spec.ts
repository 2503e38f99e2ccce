// dispatch.json: what the wrapper must run. Written by the runner before the wrapper starts.
import { z } from 'zod';

export const DispatchSpecSchema = z.strictObject({
  run_id: z.string().min(1),
  argv: z.array(z.string()).min(1),
  cwd: z.string().min(1),
  env: z.record(z.string(), z.string()),
  stdin_file: z.string().nullable(),
  timeout_ms: z.number().int().positive(),
  kill_grace_ms: z.number().int().min(0),
  /** stdout and stderr together; past it the agent is stopped. */
  max_output_bytes: z.number().int().positive().optional(),
  /** The store's record of the run, so a runner that lost its store can adopt the attempt. */
  run: z
    .strictObject({
      workstream: z.string(),
      phase: z.number().int().positive(),
      attempt: z.number().int().positive(),
      agent: z.string(),
      branch: z.string(),
      base_sha: z.string(),
    })
    .optional(),
});

export type DispatchSpec = z.output<typeof DispatchSpecSchema>;
