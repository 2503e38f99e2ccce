// exit.json: written by the dispatch wrapper when the agent ends, never by the agent.
import { z } from 'zod';

export const ExitFileSchema = z.object({
  exit_code: z.number().int().nullable().describe('The agent process exit code; null when a signal ended it.'),
  signal: z.string().nullable(),
  pid: z.number().int().positive().nullable().describe('The agent process id; null when it never started.'),
  started_at: z.iso.datetime(),
  finished_at: z.iso.datetime(),
  duration_ms: z.number().int().min(0),
  timed_out: z.boolean().optional().describe('True when the wrapper killed the agent at the phase timeout.'),
  output_exceeded: z.boolean().optional().describe('True when the wrapper stopped the agent for writing more output than the limit.'),
  error: z.string().optional().describe('Why the agent could not be started.'),
  stragglers: z
    .array(z.object({ pid: z.number().int().positive(), argv0: z.string() }))
    .optional()
    .describe('Processes of the attempt still running once the agent had ended (the first ten found); the wrapper stopped them, and the attempt fails.'),
  stragglers_count: z.number().int().min(1).optional().describe('How many processes the wrapper found still running and stopped, when it found any.'),
  tokens_in: z.number().int().min(0).optional(),
  tokens_out: z.number().int().min(0).optional(),
  cost_usd: z.number().min(0).optional(),
  agent_error: z.string().optional().describe("The agent CLI's own report of an error it ended with, though it exited 0."),
  denied: z.array(z.string()).optional().describe('Tool calls the agent CLI refused on its permission rules ("Write /etc/x").'),
});

export type ExitFile = z.output<typeof ExitFileSchema>;
