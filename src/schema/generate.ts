// JSON Schemas in schema/ are generated from the zod schemas, never written by hand.
// `npm run schema` writes them; test/unit/schema.test.ts fails when they are stale.
import { z } from 'zod';
import { ConfigSchema } from '../config/schema.js';
import { ExitFileSchema } from '../dispatch/exit-file.js';
import { GateDefinitionSchema, PhaseDefinitionSchema } from '../phases/schema.js';
import { TasksFileSchema } from '../planning/tasks-schema.js';

const SCHEMAS: readonly { file: string; title: string; schema: z.ZodType }[] = [
  { file: 'config.schema.json', title: 'phaserunner config (.phaserunner/config.json)', schema: ConfigSchema },
  { file: 'phase.schema.json', title: 'phaserunner phase definition (phases/*.json, .phaserunner/phases/*.json)', schema: PhaseDefinitionSchema },
  { file: 'gate.schema.json', title: 'phaserunner gate definition (*.gate.json)', schema: GateDefinitionSchema },
  { file: 'exit.schema.json', title: 'exit.json, written by the dispatch wrapper when the agent ends', schema: ExitFileSchema },
  { file: 'tasks.schema.json', title: 'planning/tasks.json, the plan phase 4 writes (version 2: executable; version 1 still loads)', schema: TasksFileSchema },
];

/** File name to file content for every generated schema. */
export function generatedSchemas(): Map<string, string> {
  return new Map(
    SCHEMAS.map(({ file, title, schema }) => {
      // io: 'input' describes what a user writes (defaults optional), not the parsed result.
      const json = { title, ...z.toJSONSchema(schema, { io: 'input' }) };
      return [file, JSON.stringify(json, null, 2) + '\n'];
    }),
  );
}
