/**
 * The matcher keeper assembled (DESIGN §10): chain indexer → order intake → matching engine → SQLite journal → HTTP
 * and WebSocket gateway. `startMatcher` is what `keel-keeper matcher`, the demo and the end-to-end tests run; the
 * settlement keeper (`keepers/settlement`) settles the journaled fills, in this process or another.
 */
import type { Provider } from "ethers";
import type { Logger } from "pino";
import type { KeelContracts } from "../core/deployment";
import { createGateway, type Gateway, type GatewayAddress } from "../gateway/server";
import { ChainIndexer } from "../indexer/indexer";
import { readOrderDomain } from "../sdk/orders";
import { Journal } from "../settlement/journal";
import { MatchingEngine } from "./engine";
import { ExchangeService, engineMarket, type ExchangeServiceOptions } from "./service";

/** Options of {@link startMatcher}. */
export interface MatcherOptions {
  provider: Provider;
  contracts: Pick<KeelContracts, "positionManager" | "collateralVault" | "marketRegistry" | "oracleRegistry">;
  /** The journal, or the path of its SQLite file. */
  journal: Journal | string;
  /** First block the indexer scans on rebuild (the deployment block). */
  fromBlock: number;
  logger: Logger;
  /** Gateway interface and port (0 picks a free one). */
  host: string;
  port: number;
  /** Indexer poll interval (ms; default 1000). */
  pollIntervalMs?: number;
  /** Write requests per client IP per second for the gateway (default the gateway's; false for none). */
  writeRateLimit?: false;
  /** Liquidation desk settings (lease 60 s by default). */
  liquidation?: ExchangeServiceOptions["liquidation"];
}

/** A running matcher. */
export interface RunningMatcher {
  service: ExchangeService;
  indexer: ChainIndexer;
  engine: MatchingEngine;
  journal: Journal;
  gateway: Gateway;
  address: GatewayAddress;
  /**
   * Graceful stop: refuse new orders, finish a liquidation lease check in progress, journal every change, close the
   * gateway, stop following the chain.
   */
  stop(): Promise<void>;
}

/**
 * Rebuilds the chain state, restores the book (and reserved liquidation tickets) from the journal and opens the
 * gateway. Order of a graceful stop: stop intake (503 for new writes), let a liquidation lease check finish, stop
 * housekeeping after a last journal write, close the gateway and its feeds, stop the indexer, close the journal (if
 * this call opened it).
 */
export async function startMatcher(options: MatcherOptions): Promise<RunningMatcher> {
  const { contracts, logger } = options;
  const indexer = new ChainIndexer({
    provider: options.provider,
    contracts,
    fromBlock: options.fromBlock,
    logger: logger.child({ component: "indexer" }),
    pollIntervalMs: options.pollIntervalMs,
  });
  await indexer.rebuild();
  const ownsJournal = typeof options.journal === "string";
  const journal = typeof options.journal === "string" ? Journal.open(options.journal) : options.journal;
  const engine = new MatchingEngine({
    markets: [...indexer.markets.values()].map(engineMarket),
    now: () => indexer.chainTimeSec() * 1000,
    positionOf: (account, marketId) => service.positionOf(account, marketId),
  });
  const service: ExchangeService = new ExchangeService({
    indexer,
    engine,
    journal,
    provider: options.provider,
    positionManager: contracts.positionManager,
    domain: await readOrderDomain(contracts.positionManager),
    logger: logger.child({ component: "matcher" }),
    ...(options.liquidation ? { liquidation: options.liquidation } : {}),
  });
  service.start();
  const gateway = createGateway(service, {
    host: options.host,
    port: options.port,
    logger: logger.child({ component: "gateway" }),
    ...(options.writeRateLimit === false ? { writeRateLimit: false as const } : {}),
  });
  const address = await gateway.listen();
  const following = new AbortController();
  const indexing = indexer.run(following.signal);
  logger.info({ url: address.url, ws: address.wsUrl }, "matcher gateway listening");
  return {
    service,
    indexer,
    engine,
    journal,
    gateway,
    address,
    async stop() {
      gateway.stopIntake();
      await service.liquidations.stop();
      service.stop();
      await gateway.close();
      following.abort();
      await indexing;
      if (ownsJournal) journal.close();
    },
  };
}
