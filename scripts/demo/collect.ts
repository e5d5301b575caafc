/**
 * What the demo reports, read back from the chain and the journal after the run: trades (the journal's settled fills),
 * funding, liquidations by stage and ADL (events), batches and their gas (receipts); plus the per-step series the run
 * recorded (prices, open interest, insurance fund). ADL against the shortfall is measured by the invariant checker
 * (`measureAdlRounds`), once.
 */
import type { Log, LogDescription } from "ethers";
import { getLogsChunked } from "../../keepers/core/logs";
import type { DemoReport } from "../../keepers/demo/report";
import { WAD, abs } from "../../keepers/sdk/math";
import type { DemoExchange } from "./exchange";

/** The series the run records at every step. */
export interface StepSeries {
  prices: DemoReport["series"]["prices"];
  openInterest: DemoReport["series"]["openInterest"];
  insuranceFund: DemoReport["series"]["insuranceFund"];
}

/** What the events and the journal add to the step series. */
export interface Collected {
  series: Omit<DemoReport["series"], keyof StepSeries>;
  fills: number;
  batches: number;
  gasPerFill: number;
  fundingPaidWad: bigint;
  liquidations: { book: number; backstop: number; adl: number };
}

/** Reads the run's events from `ex.fromBlock` and the journal's settled fills. */
export async function collect(ex: DemoExchange, steps: StepSeries): Promise<Collected> {
  const pm = ex.admin.positionManager;
  const provider = ex.rpc.provider;
  const head = await provider.getBlockNumber();
  const logs = await getLogsChunked(provider, { address: ex.addresses.PositionManager }, ex.fromBlock, head);
  const times = new Map<number, number>();
  const timeOf = async (block: number) => {
    if (!times.has(block)) times.set(block, (await provider.getBlock(block))?.timestamp ?? 0);
    return times.get(block) ?? 0;
  };
  const parsed: { log: Log; event: LogDescription }[] = [];
  for (const log of logs) {
    const event = safeParse(pm.interface, log);
    if (event) parsed.push({ log, event });
  }

  const series: Collected["series"] = { trades: [], funding: [], liquidations: [], adl: [] };
  const liquidations = { book: 0, backstop: 0, adl: 0 };
  let batches = 0;
  let gasUsed = 0n;
  let fundingPaidWad = 0n;
  const settleTxs = new Set<string>();
  for (const { log, event } of parsed) {
    const t = await timeOf(log.blockNumber);
    const a = event.args;
    switch (event.name) {
      case "BatchSettled":
        batches += 1;
        settleTxs.add(log.transactionHash);
        break;
      case "FundingApplied": {
        const marketId = Number(a.marketId);
        const perUnit = a.fundingPerUnitWad as bigint;
        const reference = referencePrice(steps, marketId, t);
        series.funding.push({
          marketId,
          t,
          fundingPerUnitWad: perUnit.toString(),
          ratePerHourWad: reference === 0n ? "0" : ((perUnit * WAD) / reference).toString(),
        });
        fundingPaidWad += (abs(perUnit) * openInterest(steps, marketId, t)) / WAD;
        break;
      }
      case "LiquidatedOnBook":
        liquidations.book += 1;
        series.liquidations.push(liquidation(t, "book", a.account, a.marketId, a.sizeWad, a.notionalWad));
        break;
      case "PositionTakenOver": {
        const size = abs(a.sizeWad as bigint);
        liquidations.backstop += 1;
        series.liquidations.push(
          liquidation(t, "backstop", a.account, a.marketId, size, (size * (a.markWad as bigint)) / WAD),
        );
        break;
      }
      case "AutoDeleveraged": {
        const size = abs(a.sizeWad as bigint);
        const marketId = Number(a.marketId);
        const bankruptcy = a.bankruptcyPriceWad as bigint;
        liquidations.adl += 1;
        series.liquidations.push(liquidation(t, "adl", a.account, marketId, size, (size * bankruptcy) / WAD));
        series.adl.push({
          t,
          account: a.account as string,
          counterparty: a.counterparty as string,
          marketId,
          sizeWad: (a.sizeWad as bigint).toString(),
          bankruptcyPriceWad: bankruptcy.toString(),
        });
        break;
      }
      default:
        break;
    }
  }
  for (const hash of settleTxs) gasUsed += (await provider.getTransactionReceipt(hash))?.gasUsed ?? 0n;
  const settled = ex.matcher.journal.fills({ status: "settled" });
  for (const fill of settled)
    series.trades.push({
      marketId: fill.marketId,
      t: Math.floor(fill.createdAtMs / 1000),
      priceWad: fill.priceWad.toString(),
      sizeWad: fill.sizeWad.toString(),
      takerSide: fill.takerSide,
    });
  return {
    series,
    fills: settled.length,
    batches,
    gasPerFill: settled.length === 0 ? 0 : Number(gasUsed / BigInt(settled.length)),
    fundingPaidWad,
    liquidations,
  };
}

function safeParse(iface: { parseLog(log: { topics: string[]; data: string }): LogDescription | null }, log: Log) {
  try {
    return iface.parseLog({ topics: [...log.topics], data: log.data });
  } catch {
    return null; // an event of a linked library's own ABI
  }
}

function liquidation(
  t: number,
  stage: "book" | "backstop" | "adl",
  account: unknown,
  marketId: unknown,
  sizeWad: unknown,
  notionalWad: unknown,
): DemoReport["series"]["liquidations"][number] {
  return {
    t,
    stage,
    account: String(account),
    marketId: Number(marketId),
    sizeWad: String(sizeWad),
    notionalWad: String(notionalWad),
  };
}

/** The index recorded at or before `t` (ASSET funding is paid on the index; BOUNDED on 1 USD). */
function referencePrice(steps: StepSeries, marketId: number, t: number): bigint {
  if (marketId !== 1) return WAD;
  const point = [...steps.prices].reverse().find((p) => p.marketId === marketId && p.t <= t);
  return BigInt(point?.indexWad ?? "0");
}

function openInterest(steps: StepSeries, marketId: number, t: number): bigint {
  const point = [...steps.openInterest].reverse().find((p) => p.marketId === marketId && p.t <= t);
  return BigInt(point?.longWad ?? "0");
}
