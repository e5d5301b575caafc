/**
 * The demo run (`npm run demo`): the recorded data drives the chain's clock (a step per minute around the crash, per five
 * minutes elsewhere); at every step the
 * oracle pushes, the makers requote, the takers trade, settlement lands the fills, funding applies on the hour, and
 * the liquidator, ADL and backstop-unwind keepers act. After the replay the event market resolves at 0 through
 * Resolving, the dispute window and Resolved, every position is settled and every claim paid. The run ends with a
 * report and the invariants, PASS or FAIL.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Logger } from "pino";
import { checkInvariants, measureAdlRounds, readChainSnapshot } from "../../keepers/demo/invariants";
import { createProgress, reportDir, writeReport, type DemoReport } from "../../keepers/demo/report";
import { MarketStatus } from "../../keepers/sdk/markets";
import { SettlementBlockedError } from "../../keepers/settlement/errors";
import { collect, type StepSeries } from "./collect";
import { loadDemoData, replaySchedule, type DemoData } from "./data";
import { BTC_USD, SENATE22_R, startDemoExchange, type DemoExchange } from "./exchange";
import { Scenario } from "./scenario";

/** Options of {@link runDemo}. */
export interface DemoOptions {
  quick: boolean;
  seed: number;
  /** Where `reports/<timestamp>/` goes (default `reports`). */
  reportsRoot: string;
  logger: Logger;
}

/** What {@link runDemo} produced. */
export interface DemoOutcome {
  report: DemoReport;
  jsonPath: string;
  htmlPath: string;
  /** Every invariant passed. */
  passed: boolean;
}

/** Runs the whole demo on `hre`'s in-process network; see the module comment. */
export async function runDemo(hre: HardhatRuntimeEnvironment, options: DemoOptions): Promise<DemoOutcome> {
  const startedAt = new Date();
  const data = await loadDemoData(options.quick);
  const ex = await startDemoExchange(hre, data, options.logger);
  const scenario = new Scenario(ex, options.seed);
  try {
    await scenario.setUp();
    const chainStartSec = ex.clock.nowSec();
    const steps = await replay(ex, scenario, data);
    const bounded = await resolveEventMarket(ex);
    const collected = await collect(ex, steps);
    const accounts = [
      ...new Set([...scenario.accounts(), ex.addresses.InsuranceFund, await ex.admin.positionManager.feeRecipient()]),
    ];
    const adlRounds = await measureAdlRounds(
      ex.admin,
      (await readChainSnapshot(ex.admin, accounts, ex.fromBlock)).events,
    );
    const invariants = await checkInvariants({
      contracts: ex.admin,
      accounts,
      netDepositsWad: scenario.netDepositsWad,
      neverTraded: scenario.savers.map((s) => s.address),
      boundedMarketId: SENATE22_R,
      fromBlock: 0,
    });
    const finishedAt = new Date();
    const insurance = steps.insuranceFund.map((p) => BigInt(p.balanceWad));
    const report: DemoReport = {
      meta: {
        title: "Keel demo: the 2025-10-10 BTC crash and the Senate 2022 market",
        mode: options.quick ? "quick" : "full",
        synthetic: data.synthetic,
        dataSources: data.sources,
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        runtimeSec: Math.round((finishedAt.getTime() - startedAt.getTime()) / 100) / 10,
        chainStartSec,
        chainEndSec: ex.clock.nowSec(),
        dataStartMs: data.btc.startMs,
        dataEndMs: data.btc.endMs,
        blocks: (await ex.rpc.provider.getBlockNumber()) - ex.fromBlock,
      },
      markets: [
        { marketId: BTC_USD, symbol: "BTC-USD", kind: "ASSET" },
        { marketId: SENATE22_R, symbol: "SENATE22-R", kind: "BOUNDED" },
      ],
      series: { ...steps, ...collected.series },
      summary: {
        fills: collected.fills,
        batches: collected.batches,
        gasPerFill: collected.gasPerFill,
        fundingPaidWad: collected.fundingPaidWad.toString(),
        liquidations: collected.liquidations,
        insurance: {
          startWad: String(insurance[0] ?? 0n),
          minWad: String(insurance.reduce((m, x) => (x < m ? x : m), insurance[0] ?? 0n)),
          endWad: String(insurance[insurance.length - 1] ?? 0n),
        },
        adlClosedWad: adlRounds.reduce((sum, r) => sum + r.givenUpWad, 0n).toString(),
        shortfallWad: adlRounds.reduce((sum, r) => sum + r.deficitWad, 0n).toString(),
        boundedMarket: bounded,
        traders: scenario.accounts().length,
        orders: [...scenario.makers.map((m) => m.maker), ...scenario.btcTakers, ...scenario.senateTakers].reduce(
          (n, t) => n + t.stats.orders,
          0,
        ),
      },
      invariants,
    };
    const dir = reportDir(options.reportsRoot, finishedAt);
    const { jsonPath, htmlPath } = writeReport(report, dir);
    return { report, jsonPath, htmlPath, passed: invariants.every((i) => i.pass) };
  } finally {
    await scenario.close();
    await ex.stop();
  }
}

/** Plays the BTC window one minute per step; returns the series recorded at every step. */
async function replay(ex: DemoExchange, scenario: Scenario, data: DemoData): Promise<StepSeries> {
  const series: StepSeries = { prices: [], openInterest: [], insuranceFund: [] };
  const schedule = replaySchedule(data.btc.startMs, data.btc.endMs);
  const progress = createProgress(schedule.length, data.synthetic ? "replay (SYNTHETIC data)" : "replay 2025-10-10");
  const chainStartSec = ex.clock.nowSec();
  try {
    for (const [step, dataMs] of schedule.entries()) {
      await advanceChainTo(ex, chainStartSec + Math.floor((dataMs - data.btc.startMs) / 1000));
      await ex.oracle.round();
      await poll(ex);
      await scenario.quote(data.btc.depth, dataMs, step);
      await scenario.trade(step);
      await settle(ex);
      await ex.funding.tick();
      await poll(ex);
      await ex.liquidator.runOnce();
      await ex.adl.runOnce();
      await ex.unwinder.runOnce();
      await settle(ex);
      record(ex, series);
      const btc = ex.indexer.markets.get(BTC_USD);
      progress.tick(1, {
        time: new Date(dataMs).toISOString().slice(11, 16),
        mark: btc?.markWad ? Math.round(Number(btc.markWad / 10n ** 16n) / 100) : 0,
      });
    }
  } finally {
    progress.stop();
  }
  return series;
}

/** Mines an empty block at `targetSec` when the chain is behind it, and sets the keepers' clock to the chain's time. */
async function advanceChainTo(ex: DemoExchange, targetSec: number): Promise<void> {
  const latest = (await ex.rpc.provider.getBlock("latest"))?.timestamp ?? 0;
  if (targetSec > latest) await ex.hre.network.provider.send("evm_mine", [targetSec]);
  ex.clock.nowMs = Math.max(targetSec, latest) * 1000;
}

async function poll(ex: DemoExchange): Promise<void> {
  await ex.matcher.indexer.poll();
  await ex.indexer.poll();
}

/** Settles what the matcher journaled; a batch the chain cannot take now (a stale price) waits for the next step. */
async function settle(ex: DemoExchange): Promise<void> {
  try {
    await ex.pipeline.flush();
  } catch (error) {
    if (!(error instanceof SettlementBlockedError)) throw error;
    ex.logger.warn({ reason: error.errorName }, "settlement waits for the next step");
  }
  await poll(ex);
}

function record(ex: DemoExchange, series: StepSeries): void {
  const t = ex.clock.nowSec();
  for (const market of ex.indexer.markets.values()) {
    if (market.markWad === undefined) continue;
    series.prices.push({
      marketId: market.marketId,
      t,
      indexWad: String(market.indexWad ?? market.markWad),
      markWad: market.markWad.toString(),
    });
    const oi = market.openInterestWad.toString();
    series.openInterest.push({ marketId: market.marketId, t, longWad: oi, shortWad: oi });
  }
  series.insuranceFund.push({ t, balanceWad: ex.indexer.accountOf(ex.addresses.InsuranceFund).balanceWad.toString() });
}

/**
 * SENATE22-R's end (DESIGN §9): Resolving, the final price 0 proposed, the dispute window waited out in chain time,
 * Resolved; then every position settled (the market becomes Settled with the last one) and every claim paid.
 */
async function resolveEventMarket(ex: DemoExchange): Promise<DemoReport["summary"]["boundedMarket"]> {
  const { marketRegistry: registry, positionManager: pm } = ex.admin;
  await (await registry.beginResolving(SENATE22_R)).wait();
  await (await pm.proposeFinalPrice(SENATE22_R, 0n)).wait();
  const window = Number((await registry.lifecycleParams(SENATE22_R)).disputeWindowSec);
  const proposedAt = (await ex.rpc.provider.getBlock("latest"))?.timestamp ?? ex.clock.nowSec();
  await advanceChainTo(ex, proposedAt + window + 1);
  await refreshBtc(ex);
  await (await pm.finalizeResolution(SENATE22_R)).wait();
  await poll(ex);
  let settled = 0;
  for (const account of [...ex.indexer.accounts.values()]) {
    if (!account.positions.has(SENATE22_R)) continue;
    await (await pm.settlePosition(account.account, SENATE22_R)).wait();
    settled += 1;
  }
  let claimsPaidWad = 0n;
  for (const account of ex.indexer.accounts.keys()) {
    const claim = await pm.settlementClaim(account, SENATE22_R);
    if (claim === 0n) continue;
    await (await pm.claimSettlement(account, SENATE22_R)).wait();
    claimsPaidWad += claim;
  }
  await poll(ex);
  const status = Number(await registry.marketStatus(SENATE22_R));
  return {
    finalPriceWad: "0",
    status: MarketStatus[status] ?? String(status),
    positionsSettled: settled,
    claimsPaidWad: claimsPaidWad.toString(),
  };
}

/** Re-pushes BTC-USD's last index and mark so that it is fresh after a jump in chain time (the replay has ended). */
async function refreshBtc(ex: DemoExchange): Promise<void> {
  const snapshot = await ex.admin.oracleRegistry.snapshot(BTC_USD);
  const request = await ex.admin.oracleRegistry.pushPrices.populateTransaction(
    [BTC_USD],
    [snapshot.indexWad],
    [snapshot.markWad],
    ex.clock.nowSec(),
  );
  await ex.oracleSender.sendAndWait(request);
}
