/** What an action's executor gets: the world, and where it notes what happened and whose balance it moved. */
import type { World } from "../world";

export interface StepContext {
  world: World;
  /** Accounts whose balance this step moves by their own hand (exempt from §13.12 for this step). */
  actors: Set<string>;
  /** One short line per thing that happened ("settled", "reverted OracleStale", …): the step's report. */
  notes: string[];
}

/** Records an outcome of the step. */
export function note(ctx: StepContext, line: string): void {
  ctx.notes.push(line);
}
