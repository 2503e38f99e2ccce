// Options every verb takes.
export interface GlobalArgs {
  json: boolean;
  cwd: string;
}
