/**
 * The stateful fuzzer's driver (DESIGN §13, issue 10): fast-check draws sequences of actions; each sequence starts
 * from the deployed fixture, runs its actions against the in-process Hardhat chain and the real settlement keeper,
 * checks every state invariant after every step, and ends with the exit probe (§13.17). A failure names the broken
 * invariant, the step and what the steps did, and fast-check prints the seed and path that replay it (then shrinks
 * it to a shorter sequence worth keeping as a regression in ./regressions.ts).
 */
import fc from "fast-check";
import { ethers } from "hardhat";
import { startRpcServer, type RpcEndpoint } from "../../keepers/settlement/helpers";
import { describeAction, sequenceArb, type Action } from "./actions";
import { checkStep, readState } from "./invariants";
import { errorsMet } from "./revert";
import { exitProbe } from "./steps/exitProbe";
import type { StepContext } from "./steps/context";
import { deposit, requestWithdrawal, executeWithdrawal, cancelWithdrawal } from "./steps/funds";
import { trade, takeResting, cancelOrder, cancelUpTo } from "./steps/trade";
import { attack } from "./steps/attacks";
import { movePrice, warp, funding, pause, resolve, privileged } from "./steps/market";
import { liquidate } from "./steps/liquidate";
import { closeWorld, openWorld } from "./world";

/** Runs one action. */
async function execute(ctx: StepContext, action: Action): Promise<void> {
  switch (action.kind) {
    case "deposit":
      return deposit(ctx, action);
    case "requestWithdrawal":
      return requestWithdrawal(ctx, action);
    case "executeWithdrawal":
      return executeWithdrawal(ctx, action);
    case "cancelWithdrawal":
      return cancelWithdrawal(ctx, action);
    case "trade":
      return trade(ctx, action);
    case "takeResting":
      return takeResting(ctx, action);
    case "cancelOrder":
      return cancelOrder(ctx, action);
    case "cancelUpTo":
      return cancelUpTo(ctx, action);
    case "attack":
      return attack(ctx, action);
    case "movePrice":
      return movePrice(ctx, action);
    case "warp":
      return warp(ctx, action);
    case "funding":
      return funding(ctx, action);
    case "liquidate":
      return liquidate(ctx, action);
    case "pause":
      return pause(ctx);
    case "resolve":
      return resolve(ctx, action);
    case "privileged":
      return privileged(ctx, action);
  }
}

/** Counters of a fuzzing run. */
export interface FuzzStats {
  sequences: number;
  steps: number;
  /** Steps per action kind. */
  actions: Record<string, number>;
  /** Outcome lines with their counts ("trade …: settled" folded to its verb), for a glance at what was reached. */
  outcomes: Record<string, number>;
  /** Declared custom errors met, by name. */
  errors: Record<string, number>;
  exitProbes: number;
}

/** A failure inside a sequence, with the trace that led to it. */
export class SequenceFailure extends Error {
  override readonly name = "SequenceFailure";
  constructor(
    readonly step: number,
    readonly trace: string[],
    override readonly cause: unknown,
  ) {
    super(
      `step ${step + 1} failed: ${cause instanceof Error ? cause.message : String(cause)}\n` +
        trace.map((line, i) => `  ${i + 1}. ${line}`).join("\n"),
    );
  }
}

/** Folds an outcome note to a countable key (numbers and addresses dropped). */
function outcomeKey(kind: string, line: string): string {
  return `${kind}: ${line
    .replace(/0x[0-9a-fA-F]+/g, "…")
    .replace(/-?\d+/g, "n")
    .slice(0, 80)}`;
}

/**
 * Runs one sequence on a fresh world and checks every invariant after every step, then the exit probe.
 * @throws SequenceFailure naming the step, the trace and the violation (or unexpected error).
 */
export async function runSequence(rpc: RpcEndpoint, actions: readonly Action[], stats?: FuzzStats): Promise<void> {
  const world = await openWorld(rpc);
  const trace: string[] = [];
  try {
    let state = await readState(world);
    for (const [i, action] of actions.entries()) {
      const ctx: StepContext = { world, actors: new Set(), notes: [] };
      const fromBlock = (await ethers.provider.getBlockNumber()) + 1;
      try {
        await execute(ctx, action);
        state = await checkStep(world, state, fromBlock, ctx.actors);
      } catch (error) {
        trace.push(`${describeAction(action)} → ${ctx.notes.join("; ")}`);
        throw new SequenceFailure(i, trace, error);
      }
      trace.push(`${describeAction(action)} → ${ctx.notes.join("; ")}`);
      if (stats) {
        stats.steps++;
        stats.actions[action.kind] = (stats.actions[action.kind] ?? 0) + 1;
        for (const n of ctx.notes)
          stats.outcomes[outcomeKey(action.kind, n)] = (stats.outcomes[outcomeKey(action.kind, n)] ?? 0) + 1;
      }
    }
    try {
      trace.push(`exit probe → ${await exitProbe(world, world.model.paused ? 20 : 17)}`);
    } catch (error) {
      throw new SequenceFailure(actions.length, trace, error);
    }
    if (stats) {
      stats.sequences++;
      stats.exitProbes++;
    }
  } finally {
    closeWorld(world);
  }
}

/** Options of {@link runFuzz}. */
export interface FuzzOptions {
  /** Sequences to run. */
  numRuns: number;
  /** Most actions per sequence. */
  maxSteps: number;
  /** fast-check seed (random when absent); a failure prints the seed and path that replay it. */
  seed?: number;
  /** fast-check replay path of a failure (with its seed). */
  path?: string;
  /** Called after each sequence with the running counters (progress output). */
  onSequence?: (stats: FuzzStats) => void;
  /** Do not shrink a failure (report the first counterexample as found). */
  endOnFailure?: boolean;
}

/** What a run did; throws (fast-check's report with seed, path and counterexample) when an invariant broke. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzStats & { seed: number }> {
  const stats: FuzzStats = { sequences: 0, steps: 0, actions: {}, outcomes: {}, errors: {}, exitProbes: 0 };
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const rpc = await startRpcServer();
  try {
    await fc.assert(
      fc.asyncProperty(sequenceArb(options.maxSteps), async (actions) => {
        await runSequence(rpc, actions, stats);
        options.onSequence?.(stats);
      }),
      { numRuns: options.numRuns, seed, path: options.path, endOnFailure: options.endOnFailure ?? false },
    );
  } finally {
    await rpc.close();
    for (const [name, n] of errorsMet) stats.errors[name] = n;
  }
  return { ...stats, seed };
}
