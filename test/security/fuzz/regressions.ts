/**
 * Sequences the fuzzer once failed on, shrunk by fast-check, replayed by test/security/fuzz.regressions.test.ts on
 * every run. Each names the seed that found it and what it taught. When `npm run fuzz:long` or the CI tier prints a
 * counterexample, add it here (the `Counterexample: [[…]]` line is the `actions` array) once the cause is fixed.
 */
import type { Action } from "./actions";

/** A plain BTC-USD trade at the mark with the given accounts and size (the common step of the regressions). */
function trade(overrides: Partial<Extract<Action, { kind: "trade" }>>): Action {
  return {
    kind: "trade",
    market: 0,
    maker: 0,
    taker: 0,
    takerBuys: false,
    leverageTenths: 1,
    offsetBps: 0,
    makerExtraPercent: 0,
    makerPostOnly: false,
    takerKind: 0,
    crash: 0,
    ...overrides,
  };
}

/** A sequence worth replaying forever. */
export interface Regression {
  /** fast-check seed (and path) of the run that found it. */
  foundBy: string;
  /** What failed, and what was fixed (the protocol, or the fuzzer's own model of it). */
  lesson: string;
  actions: Action[];
}

export const REGRESSIONS: Regression[] = [
  {
    foundBy: "seed 5, path 3:3:7:6:6:6:13:10:2:5:4:4:4:4:6:4:10:4:5:4:10:5:4:5:5:6:8:17:18:18:12:12:12:12:12:12:12:12",
    lesson:
      "ADL of a deficit smaller than the fund's coverable amount is right when the backstop's exposure cap has no " +
      "room for the position: §13.13 is now judged by whether the backstop takeover would be refused.",
    actions: [
      trade({ takerBuys: true, leverageTenths: 125, offsetBps: 3 }),
      { kind: "movePrice", market: 0, percent: 13 },
      { kind: "liquidate", mode: "adl", pick: 0, adverse: 0 },
      trade({ makerExtraPercent: 1 }),
    ],
  },
  {
    foundBy: "seed 99, path 24:5:3:4:4:4:4:4:6:6:9:6:8:6:17:14:14:19:5:6:14:15:18:18:16:16",
    lesson:
      "A cancelled IOC taker order offered as a maker is refused with FillRoleNotAllowed before OrderDead; the chain " +
      "forgets a dead order's filled amount, so §13.5 now counts fills from the events.",
    actions: [
      trade({ maker: 1 }),
      { kind: "takeResting", pick: 221, taker: 1, crash: 1 },
      { kind: "cancelOrder", pick: 449 },
      { kind: "attack", variant: 7, pick: 0 },
      { kind: "resolve", outcome: 0, dispute: false, phases: 1 },
    ],
  },
  {
    foundBy: "seed 7, path 1:2:5:4:3:3:3:3:3",
    lesson: "The funding cap is per unit of base at the index (cap · interval/1h · index), not a bare fraction.",
    actions: [
      { kind: "funding", market: 0, percentOfCap: -101, waitInterval: false },
      { kind: "funding", market: 0, percentOfCap: 100, waitInterval: true },
    ],
  },
  {
    foundBy: "seed 1801807212, path 1:2:0:1:3:3:3:3:3:3:3:2:2",
    lesson: "A flat account's own fill pays a fee: only accounts that did not act this step are bystanders (§13.12).",
    actions: [trade({ taker: 1, makerExtraPercent: 1 }), { kind: "liquidate", mode: "book", pick: 0, adverse: 0 }],
  },
  {
    foundBy: "seed 20261121, path 1:2:0:0:3:3:3:3:3:5:5:6:6:6:6:6:10:12:11:1:6:6:6:6:6:6:6",
    lesson:
      "Σ pending funding over accounts may be negative once a payer has settled (its payment sits in the clearing " +
      "account): §13.4 is now checked per account, pending · 1e18 ≥ size · Δcumulative exactly.",
    actions: [
      trade({}),
      { kind: "funding", market: 0, percentOfCap: -1, waitInterval: false },
      trade({ maker: 1 }),
      { kind: "funding", market: 0, percentOfCap: 0, waitInterval: false },
    ],
  },
  {
    foundBy: "seed 20261123, path 0:2:3:10:8:8:8:8:8:8:20:19:22:22:24:25:23:22:22:20:19:21",
    lesson:
      "A takeover that drew past the circuit breaker's threshold leaves the market reduce-only: the exit probe's " +
      "market maker may not absorb the bankrupt fund's remainder there (it was refused FillIncreasesPosition).",
    actions: [
      trade({ maker: 1, taker: 1, takerBuys: true, leverageTenths: 99, makerExtraPercent: 1, crash: 1 }),
      { kind: "movePrice", market: 0, percent: -12 },
      { kind: "pause" },
      { kind: "liquidate", mode: "permissionless", pick: 0, adverse: 0 },
      { kind: "pause" },
      { kind: "movePrice", market: 0, percent: -5 },
    ],
  },
  {
    foundBy:
      "seed 20261124, path 270:4:3:6:8:8:12:15:3:2:6:5:6:7:5:6:6:6:6:6:9:13:12:14:13:13:15:4:17:27:9:21:24:26:26:26",
    lesson:
      "An account left just above zero equity by ADL in one market cannot pay the fee to close its other position " +
      "(settlement refuses to leave it flat in debt): the exit probe closes accounts above maintenance margin, and " +
      "leaves the ones below it to the waterfall.",
    actions: [
      trade({ maker: 2, leverageTenths: 33, crash: 1 }),
      trade({ market: 1, taker: 3, takerBuys: true, leverageTenths: 12 }),
      { kind: "movePrice", market: 0, percent: 10 },
      { kind: "liquidate", mode: "adl", pick: 0, adverse: 2 },
      trade({ market: 1, offsetBps: -1, takerKind: 1 }),
      { kind: "attack", variant: 0, pick: 0 },
    ],
  },
  {
    foundBy: "seed 20261125, path 19:8:8:6:8:10:11:5:5:9:6:14:5:9:5:5:18:18:21:5:7:5:5:5:5:32:33:33:33:33:36:28:4",
    lesson:
      "An account that closes at a loss beyond its balance while a withdrawal is pending ends flat with a negative " +
      "balance backed by its own pending amount: §13.11 now measures the shortfall as −(balance + pending).",
    actions: [
      { kind: "requestWithdrawal", trader: 1, percent: 27, refresh: false },
      trade({ taker: 1, takerBuys: true, leverageTenths: 59, makerExtraPercent: 1 }),
      { kind: "movePrice", market: 0, percent: -17 },
      { kind: "movePrice", market: 0, percent: -17 },
      trade({ crash: 1 }),
      { kind: "liquidate", mode: "book", pick: 0, adverse: 0 },
      { kind: "takeResting", pick: 529, taker: 1, crash: 0 },
      { kind: "warp", choice: 0 },
    ],
  },
];
