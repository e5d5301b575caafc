/**
 * Invariant 4 (DESIGN §8, §13.13): auto-deleveraging takes from the counterparties no more than the bankrupt
 * account's shortfall.
 *
 * A counterparty closed at the bankruptcy price instead of the mark gives up `|size| · |mark − bankruptcyPrice|`. Per
 * bankrupt account and block (one ADL round, possibly several counterparties and markets), the sum must not exceed
 * the account's deficit just before: `−equity` (pending withdrawal included, the maintenance basis the contract uses)
 * read with `canLiquidate` at the previous block. The mark is the oracle's stored mark at the ADL's block.
 *
 * Assumption: no price push shares the ADL's block before it (so the previous block's state is the one the ADL saw):
 * true for Hardhat's automine and for the demo, where every transaction is its own block.
 */
import type { KeelContracts } from "../../core/deployment";
import { WAD, abs } from "../../sdk/math";
import type { InvariantResult } from "../report";
import { count, listSome, shortAddress, usd, usdExact } from "./format";
import type { ChainEvent, ChainSnapshot } from "./snapshot";

/** The name of invariant 4 in the demo report. */
export const ADL_INVARIANT = "ADL closed no more than the shortfall";

/** One ADL round: every `AutoDeleveraged` event of one bankrupt account in one block. */
export interface AdlRound {
  /** The bankrupt account (checksummed). */
  account: string;
  blockNumber: number;
  /** Counterparties deleveraged against it, in event order. */
  counterparties: string[];
  marketIds: number[];
  /** Σ |size| · |mark − bankruptcy price| over the round's events, exactly, in wad² (USD · 1e36). */
  givenUpWad2: bigint;
  /** {@link givenUpWad2} in USD wad, rounded down (display). */
  givenUpWad: bigint;
  /** The account's deficit at the previous block: max(0, −equity) (USD wad). */
  deficitWad: bigint;
  /** givenUp ≤ deficit, compared exactly. */
  withinShortfall: boolean;
}

/**
 * Measures every ADL round among `events` against the chain: the mark of each event's market at its block and the
 * bankrupt account's equity at the block before. The demo summary's "ADL amount against the shortfall" is
 * Σ {@link AdlRound.givenUpWad} against Σ {@link AdlRound.deficitWad}.
 * @throws the contract call's error when a historical read fails (e.g. `OracleStale` at the previous block).
 */
export async function measureAdlRounds(contracts: KeelContracts, events: readonly ChainEvent[]): Promise<AdlRound[]> {
  const rounds = new Map<string, AdlRound>();
  const marks = new Map<string, Promise<bigint>>();
  const markAt = (marketId: number, blockNumber: number): Promise<bigint> => {
    const key = `${marketId}@${blockNumber}`;
    let mark = marks.get(key);
    if (!mark) {
      mark = contracts.oracleRegistry.snapshot(marketId, { blockTag: blockNumber }).then((snap) => snap.markWad);
      marks.set(key, mark);
    }
    return mark;
  };

  for (const e of events) {
    if (e.name !== "AutoDeleveraged") continue;
    const account = e.args.getValue("account") as string;
    const marketId = Number(e.args.getValue("marketId"));
    const sizeWad = e.args.getValue("sizeWad") as bigint;
    const priceWad = e.args.getValue("bankruptcyPriceWad") as bigint;
    const key = `${account}@${e.blockNumber}`;
    let round = rounds.get(key);
    if (!round) {
      const before = await contracts.positionManager.canLiquidate(account, { blockTag: e.blockNumber - 1 });
      round = {
        account,
        blockNumber: e.blockNumber,
        counterparties: [],
        marketIds: [],
        givenUpWad2: 0n,
        givenUpWad: 0n,
        deficitWad: before.equityWad < 0n ? -before.equityWad : 0n,
        withinShortfall: true,
      };
      rounds.set(key, round);
    }
    const markWad = await markAt(marketId, e.blockNumber);
    round.counterparties.push(e.args.getValue("counterparty") as string);
    if (!round.marketIds.includes(marketId)) round.marketIds.push(marketId);
    round.givenUpWad2 += abs(sizeWad) * abs(markWad - priceWad);
    round.givenUpWad = round.givenUpWad2 / WAD;
    round.withinShortfall = round.givenUpWad2 <= round.deficitWad * WAD;
  }
  return [...rounds.values()];
}

/** Checks invariant 4 over the snapshot's `AutoDeleveraged` events (see the module comment). */
export async function checkAdl(contracts: KeelContracts, s: ChainSnapshot): Promise<InvariantResult> {
  const rounds = await measureAdlRounds(contracts, s.events);
  if (rounds.length === 0) {
    return {
      name: ADL_INVARIANT,
      pass: true,
      detail: "no auto-deleveraging happened: nothing to check (passes trivially)",
    };
  }
  const givenUpWad = rounds.reduce((sum, r) => sum + r.givenUpWad, 0n);
  const deficitWad = rounds.reduce((sum, r) => sum + r.deficitWad, 0n);
  const events = rounds.reduce((sum, r) => sum + r.counterparties.length, 0);
  const totals =
    `${count(rounds.length, "ADL round")} (${count(events, "counterparty close")}): counterparties gave up ` +
    `${usdExact(givenUpWad)} ` +
    `against deficits of ${usdExact(deficitWad)}`;
  const over = rounds.filter((r) => !r.withinShortfall);
  if (over.length === 0)
    return { name: ADL_INVARIANT, pass: true, detail: `${totals}; every round within its deficit` };
  const problems = over.map(
    (r) =>
      `${shortAddress(r.account)} at block ${r.blockNumber}: ${usdExact(r.givenUpWad)} taken against a deficit of ` +
      `${usd(r.deficitWad)} (${ceilDiv(r.givenUpWad2 - r.deficitWad * WAD, WAD)} wei too much)`,
  );
  return { name: ADL_INVARIANT, pass: false, detail: `${totals}; ${listSome(problems)}` };
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}
