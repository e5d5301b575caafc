/**
 * The fuzzer's actions (DESIGN §13, issue 10): plain data drawn by fast-check, interpreted against the chain's state
 * when they run (an action that does not fit the state becomes an attempt that must fail with a declared error).
 * Small integer parameters keep counterexamples short and readable when fast-check shrinks them.
 */
import fc from "fast-check";

/** One step of a sequence. */
export type Action =
  | { kind: "deposit"; trader: number; amountUsdc: number }
  | { kind: "requestWithdrawal"; trader: number; percent: number; refresh: boolean }
  | { kind: "executeWithdrawal"; trader: number; waitDelay: boolean }
  | { kind: "cancelWithdrawal"; trader: number }
  | {
      kind: "trade";
      market: number;
      maker: number;
      taker: number;
      takerBuys: boolean;
      /** Target notional as tenths of the taker's equity (0.1×–30×). */
      leverageTenths: number;
      /** Maker price offset from the mark, basis points. */
      offsetBps: number;
      /** The maker's order is this much larger than the fill (percent), so that it rests partly filled. */
      makerExtraPercent: number;
      makerPostOnly: boolean;
      /** 0 plain, 1 reduce-only, 2 IOC. */
      takerKind: number;
      /** 0 no crash; otherwise the keeper dies at failpoint (crash − 1) % 3, on its first or second visit. */
      crash: number;
    }
  | { kind: "takeResting"; pick: number; taker: number; crash: number }
  | { kind: "cancelOrder"; pick: number }
  | { kind: "cancelUpTo"; trader: number }
  | { kind: "attack"; variant: number; pick: number }
  | { kind: "movePrice"; market: number; percent: number }
  | { kind: "warp"; choice: number }
  | { kind: "funding"; market: number; percentOfCap: number; waitInterval: boolean }
  | {
      kind: "liquidate";
      mode: "book" | "backstop" | "permissionless" | "adl";
      pick: number;
      /** First walk the mark against the weakest position: 0 no, 1 just past its liquidation price, 2 well past it. */
      adverse: number;
    }
  | { kind: "pause" }
  | { kind: "resolve"; outcome: number; dispute: boolean; phases: number }
  | { kind: "privileged"; which: number };

const trader = fc.integer({ min: 0, max: 3 });
const crash = fc.oneof(
  { weight: 4, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 6 }) },
);

/** fast-check arbitrary of one action, weighted towards trading and prices (which make everything else reachable). */
export const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("deposit" as const),
      trader,
      amountUsdc: fc.integer({ min: 1, max: 20_000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("requestWithdrawal" as const),
      trader,
      percent: fc.integer({ min: 1, max: 130 }),
      refresh: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("executeWithdrawal" as const), trader, waitDelay: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancelWithdrawal" as const), trader }) },
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant("trade" as const),
      market: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }),
      /** 0–2: another trader; 3: the market maker. */
      maker: fc.integer({ min: 0, max: 3 }),
      taker: trader,
      takerBuys: fc.boolean(),
      leverageTenths: fc.integer({ min: 1, max: 300 }),
      offsetBps: fc.integer({ min: -100, max: 100 }),
      makerExtraPercent: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 200 })),
      makerPostOnly: fc.boolean(),
      takerKind: fc.integer({ min: 0, max: 2 }),
      crash,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("takeResting" as const), pick: fc.nat(999), taker: trader, crash }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("cancelOrder" as const), pick: fc.nat(999) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancelUpTo" as const), trader }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("attack" as const), variant: fc.nat(9), pick: fc.nat(999) }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("movePrice" as const),
      market: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }),
      percent: fc.integer({ min: -20, max: 20 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("warp" as const), choice: fc.nat(5) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("funding" as const),
      market: fc.nat(1),
      percentOfCap: fc.integer({ min: -120, max: 120 }),
      waitInterval: fc.boolean(),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("liquidate" as const),
      mode: fc.constantFrom("book" as const, "backstop" as const, "permissionless" as const, "adl" as const),
      pick: fc.nat(3),
      adverse: fc.nat(2),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("pause" as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("resolve" as const),
      outcome: fc.nat(2),
      dispute: fc.boolean(),
      phases: fc.integer({ min: 1, max: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("privileged" as const), which: fc.nat(99) }) },
);

/** A sequence of 1 to `maxSteps` actions. */
export function sequenceArb(maxSteps: number): fc.Arbitrary<Action[]> {
  // size "max": lengths spread over the whole range (fast-check's default favours short arrays). No bias: its pull
  // towards small, extreme and repeated values makes long sequences repeat one action, while uniform draws reach
  // more of the state space per sequence (a step costs a few chain transactions).
  return fc.noBias(fc.array(actionArb, { minLength: 1, maxLength: maxSteps, size: "max" }));
}

/** One line per action, for a failing sequence's report. */
export function describeAction(action: Action): string {
  const { kind, ...rest } = action;
  return `${kind} ${JSON.stringify(rest)}`;
}
