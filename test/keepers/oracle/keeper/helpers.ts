/**
 * Helpers of the oracle keeper tests: {@link FakePriceSource}, an in-memory test double of a venue adapter
 * (PriceSource), and an OracleKeeper wired to the in-process Hardhat chain through a JSON-RPC server, whose wall
 * clock follows the chain's time so that quote ages and pushed timestamps line up with block times.
 */
import { Wallet } from "ethers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import pino from "pino";
import { Registry } from "prom-client";
import { TxSender } from "../../../../keepers/core/txSender";
import { OracleKeeper, type OracleFeed, type OracleKeeperOptions } from "../../../../keepers/oracle/keeper";
import { createOracleMetrics } from "../../../../keepers/oracle/metrics";
import { PriceSourceError, type PriceQuote, type PriceSource, type QuoteKind } from "../../../../keepers/oracle/types";
import { MarketRegistry__factory, OracleRegistry__factory } from "../../../../keepers/sdk/typechain";
import { BTC_USD, SENATE22_R, type KeelFixture } from "../../../fixtures/keel";
import { MATCHER_KEY, startRpcServer, type RpcEndpoint } from "../../settlement/helpers";

/** Hardhat account #0: the deployer, which holds ORACLE_ROLE on the local network. */
export const ORACLE_KEY = MATCHER_KEY;

/**
 * Test double of a venue adapter: returns one quote at the price last set, stamped with the harness clock, or throws a
 * PriceSourceError while {@link fail} is set.
 */
export class FakePriceSource implements PriceSource {
  private priceWad: bigint | undefined;
  private failure: string | undefined;
  /** When set, quotes carry this time instead of the clock's (a venue whose price stopped updating). */
  frozenAtMs: number | undefined;
  fetches = 0;

  constructor(
    readonly venue: string,
    private readonly kind: QuoteKind,
    private readonly clock: { nowMs: number },
  ) {}

  /** Quotes `priceWad` from now on (undefined: returns no quote). */
  set(priceWad: bigint | undefined): void {
    this.priceWad = priceWad;
    this.failure = undefined;
  }

  /** Fails every fetch with `reason` until the next {@link set}. */
  fail(reason: string): void {
    this.failure = reason;
  }

  fetchQuotes(): Promise<PriceQuote[]> {
    this.fetches++;
    if (this.failure !== undefined) return Promise.reject(new PriceSourceError(this.venue, this.failure));
    if (this.priceWad === undefined) return Promise.resolve([]);
    const quote: PriceQuote = {
      venue: this.venue,
      instrument: `${this.venue}:test`,
      kind: this.kind,
      priceWad: this.priceWad,
      timestampMs: this.frozenAtMs ?? this.clock.nowMs,
    };
    return Promise.resolve([quote]);
  }
}

/** The oracle keeper under test with its fake sources. */
export interface OracleHarness {
  keeper: OracleKeeper;
  /** BTC-USD's spot venues (index weights 3, 2, 2). */
  btc: { binance: FakePriceSource; okx: FakePriceSource; bybit: FakePriceSource };
  /** SENATE22-R's Polymarket midpoint. */
  event: FakePriceSource;
  metrics: Registry;
  rpc: RpcEndpoint;
  clock: { nowMs: number };
  /** Sets every BTC venue to `priceWad`. */
  setBtc(priceWad: bigint): void;
  /** Mines a block one second later and moves the keeper's clock to its time: quotes become newer than the last push. */
  nextSecond(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the harness on the deployment `f` and reads the chain's last prices (`keeper.init()`). */
export async function oracleHarness(
  f: KeelFixture,
  options: Partial<OracleKeeperOptions> = {},
): Promise<OracleHarness> {
  const rpc = await startRpcServer();
  const clock = { nowMs: (await time.latest()) * 1_000 };
  const btc = {
    binance: new FakePriceSource("binance", "spot", clock),
    okx: new FakePriceSource("okx", "spot", clock),
    bybit: new FakePriceSource("bybit", "spot", clock),
  };
  const event = new FakePriceSource("polymarket", "midpoint", clock);
  const feeds: OracleFeed[] = [
    { marketId: BTC_USD, sources: Object.values(btc) },
    { marketId: SENATE22_R, sources: [event] },
  ];
  const metrics = new Registry();
  const sender = new TxSender(new Wallet(ORACLE_KEY, rpc.provider), { pollIntervalMs: 20 });
  const keeper = new OracleKeeper({
    feeds,
    oracleRegistry: OracleRegistry__factory.connect(f.oracle.target as string, rpc.provider),
    marketRegistry: MarketRegistry__factory.connect(f.registry.target as string, rpc.provider),
    sender,
    chainTimeSec: async () => (await rpc.provider.getBlock("latest"))?.timestamp ?? 0,
    logger: pino({ level: "silent" }),
    metrics: createOracleMetrics(metrics),
    clock: () => clock.nowMs,
    ...options,
  });
  await keeper.init();
  return {
    keeper,
    btc,
    event,
    metrics,
    rpc,
    clock,
    setBtc: (priceWad) => Object.values(btc).forEach((source) => source.set(priceWad)),
    nextSecond: async () => {
      await time.increase(1);
      clock.nowMs = (await time.latest()) * 1_000;
    },
    close: async () => {
      await sender.close();
      await rpc.close();
    },
  };
}

/** The value of the metric `name` with `labels`, or undefined when there is no such series. */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) return undefined;
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, val]) => String(v.labels[k]) === val));
  return match?.value;
}
