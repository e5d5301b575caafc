/**
 * The chain indexer every keeper runs (DESIGN §10): on start it rebuilds markets and accounts from the chain (events
 * from the deployment block name the accounts; views give their exact state), then follows new blocks, reading the
 * contracts' logs in chunks of at most 50 blocks (HyperEVM's `eth_getLogs` limit) and re-reading what they touched.
 *
 * Events are hints, views are truth: a log only says which account or market changed; the indexer then reads that
 * account's balance and positions (or the market's parameters) at the block it processed, so its state never drifts
 * from the contracts' own arithmetic.
 *
 * Polls never overlap (a call made while one runs waits for it, then processes what is left), so every block is
 * processed once and in order. A subscriber that throws is logged and counted ({@link ChainIndexer.subscriberFailures})
 * but never stops the indexer: its state must keep following the chain whatever a consumer does with an event.
 */
import { EventEmitter } from "node:events";
import { getAddress, type Interface, type Log, type LogDescription, type Provider } from "ethers";
import type { Logger } from "pino";
import { getLogsChunked } from "../core/logs";
import type { KeelContracts } from "../core/deployment";
import { readMarket, type IndexedAccount, type IndexedMarket, type IndexedPosition } from "./state";

/** Events of {@link ChainIndexer}, emitted after the state they describe is updated. */
export interface IndexerEvents {
  /** A block range was processed; `lastProcessedBlock` is its end. */
  block: [blockNumber: number];
  /** A market's parameters, status, mark or funding changed. */
  market: [market: IndexedMarket];
  /** A new oracle push: mark and index (wad) at the keeper's timestamp (unix s). */
  mark: [update: { marketId: number; markWad: bigint; indexWad: bigint; timestamp: number }];
  /** Funding was applied to a market. */
  funding: [
    update: {
      marketId: number;
      fundingPerUnitWad: bigint;
      cumulativeFundingWad: bigint;
      fundingEpoch: number;
      timestamp: number;
    },
  ];
  /** An account's balance or positions were re-read. */
  account: [account: IndexedAccount];
  /** An order was cancelled on chain (`cancelOrder`). */
  orderCancelled: [update: { account: string; orderHash: string; nonce: bigint }];
  /** An account raised its nonce floor (`cancelUpTo`). */
  nonceFloorRaised: [update: { account: string; nonceFloor: bigint }];
  /** A batch landed. */
  batchSettled: [update: { batchId: bigint; blockNumber: number }];
}

/** Options of {@link ChainIndexer}. */
export interface IndexerOptions {
  provider: Provider;
  contracts: Pick<KeelContracts, "positionManager" | "collateralVault" | "marketRegistry" | "oracleRegistry">;
  /** First block to scan on rebuild (the deployment block). */
  fromBlock: number;
  logger: Logger;
  /** Blocks per `eth_getLogs` request (≤ 50 on HyperEVM). */
  chunkSize?: number;
  /** Poll interval of {@link ChainIndexer.run} (ms). */
  pollIntervalMs?: number;
}

/** Names of event arguments that carry an account whose state the event changed. */
const ACCOUNT_ARGS = new Set(["account", "counterparty", "accounts"]);
/** Events whose `account` argument is a caller or a role holder, not a trading account. */
const NOT_ACCOUNT_EVENTS = new Set(["Paused", "Unpaused", "RoleGranted", "RoleRevoked", "RoleAdminChanged"]);

/** Follows the Keel contracts and keeps markets and accounts current; see the module comment. */
export class ChainIndexer extends EventEmitter<IndexerEvents> {
  /** Markets by id. */
  readonly markets = new Map<number, IndexedMarket>();
  /** Accounts by checksummed address (every account that ever deposited, traded or approved an agent). */
  readonly accounts = new Map<string, IndexedAccount>();
  /** The last block whose logs were processed; the state is as of this block. */
  lastProcessedBlock = -1;
  /** The PositionManager's `nextBatchId` as of {@link lastProcessedBlock}: batches below it are in the state. */
  nextBatchId = 0n;
  /** Whether the protocol is paused (`PositionManager.paused()`): every fill must then reduce a position. */
  paused = false;
  /** How many times a subscriber threw from an event handler (each one is logged; the indexer carries on). */
  subscriberFailures = 0;
  /** Block time (unix s) of {@link lastProcessedBlock} and when it was observed (ms, wall clock). */
  private lastBlockTime = { timestampSec: 0, observedAtMs: 0 };
  private readonly interfaces: Map<string, Interface>;
  private readonly chunkSize: number;
  /** The last rebuild or poll, so that the next one starts after it (never two at once). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: IndexerOptions) {
    super();
    const c = options.contracts;
    this.chunkSize = options.chunkSize ?? 50;
    this.interfaces = new Map(
      [c.positionManager, c.collateralVault, c.marketRegistry, c.oracleRegistry].map((contract) => [
        getAddress(contract.target as string),
        contract.interface as Interface,
      ]),
    );
  }

  /**
   * Rebuilds everything from the chain as of the latest block: every market, every account named by an event since
   * `fromBlock`, each account's balance, positions, agents and nonce floor, and whether the protocol is paused.
   */
  rebuild(): Promise<void> {
    return this.serialized(() => this.rebuildNow());
  }

  /**
   * Processes every block after {@link lastProcessedBlock} up to the head; returns the new last processed block. A call
   * made while another poll runs waits for it and then polls again, so the head at call time is always covered.
   */
  poll(): Promise<number> {
    return this.serialized(() => this.pollNow());
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async rebuildNow(): Promise<void> {
    const head = await this.options.provider.getBlockNumber();
    const started = Date.now();
    const logs = await this.logsBetween(this.options.fromBlock, head);
    const touched = new Set<string>();
    const agentLogs: LogDescription[] = [];
    for (const log of logs) {
      const parsed = this.parse(log);
      if (!parsed) continue;
      for (const account of accountsOf(parsed)) touched.add(account);
      if (parsed.name === "AgentApproved" || parsed.name === "AgentRevoked") agentLogs.push(parsed);
    }
    await this.reloadMarkets(head);
    await Promise.all([...touched].map((account) => this.reloadAccount(account, head)));
    for (const parsed of agentLogs) this.applyAgentEvent(parsed);
    const pm = this.options.contracts.positionManager;
    this.nextBatchId = await pm.nextBatchId({ blockTag: head });
    this.paused = await pm.paused({ blockTag: head });
    await this.setProcessed(head);
    this.options.logger.info(
      {
        block: head,
        markets: this.markets.size,
        accounts: this.accounts.size,
        logs: logs.length,
        ms: Date.now() - started,
      },
      "indexer rebuilt state from chain",
    );
  }

  private async pollNow(): Promise<number> {
    const head = await this.options.provider.getBlockNumber();
    if (head <= this.lastProcessedBlock) return this.lastProcessedBlock;
    const from = this.lastProcessedBlock + 1;
    const logs = await this.logsBetween(from, head);
    const dirtyAccounts = new Set<string>();
    const dirtyMarkets = new Set<number>();
    for (const log of logs) {
      const parsed = this.parse(log);
      if (!parsed) continue;
      for (const account of accountsOf(parsed)) dirtyAccounts.add(account);
      this.applyEvent(parsed, log, dirtyMarkets);
    }
    for (const marketId of dirtyMarkets) {
      const market = await readMarket(
        this.options.contracts.marketRegistry,
        this.options.contracts.oracleRegistry,
        this.options.contracts.positionManager,
        marketId,
        head,
      );
      this.markets.set(marketId, market);
      this.publish("market", market);
    }
    await Promise.all([...dirtyAccounts].map((account) => this.reloadAccount(account, head)));
    await this.setProcessed(head);
    return head;
  }

  /** Polls until `signal` aborts, logging (not throwing) failed polls so a flaky RPC only delays the state. */
  async run(signal: AbortSignal): Promise<void> {
    const interval = this.options.pollIntervalMs ?? 1000;
    while (!signal.aborted) {
      try {
        await this.poll();
      } catch (error) {
        this.options.logger.error({ err: error }, "indexer poll failed; retrying next interval");
      }
      await sleep(interval, signal);
    }
  }

  /** The chain's time now (unix s): the last processed block's time plus the wall-clock time since it was seen. */
  chainTimeSec(nowMs: number = Date.now()): number {
    if (this.lastBlockTime.observedAtMs === 0) return Math.floor(nowMs / 1000);
    return this.lastBlockTime.timestampSec + Math.floor((nowMs - this.lastBlockTime.observedAtMs) / 1000);
  }

  /** The account's state, or an empty one for an address the chain never saw. */
  accountOf(address: string): IndexedAccount {
    const account = getAddress(address);
    return this.accounts.get(account) ?? emptyAccount(account);
  }

  private async setProcessed(block: number): Promise<void> {
    const header = await this.options.provider.getBlock(block);
    this.lastBlockTime = { timestampSec: header?.timestamp ?? 0, observedAtMs: Date.now() };
    this.lastProcessedBlock = block;
    this.publish("block", block);
  }

  private async logsBetween(from: number, to: number): Promise<Log[]> {
    if (to < from) return [];
    return getLogsChunked(this.options.provider, { address: [...this.interfaces.keys()] }, from, to, {
      chunkSize: this.chunkSize,
    });
  }

  private parse(log: Log): LogDescription | null {
    const iface = this.interfaces.get(getAddress(log.address));
    if (!iface) return null;
    try {
      return iface.parseLog({ topics: [...log.topics], data: log.data });
    } catch {
      // Events of linked libraries declared elsewhere are not ours to decode; every Keel event is in the ABIs above.
      return null;
    }
  }

  private applyEvent(parsed: LogDescription, log: Log, dirtyMarkets: Set<number>): void {
    const args = parsed.args;
    switch (parsed.name) {
      case "PricesPushed": {
        const marketId = Number(args.marketId);
        const market = this.markets.get(marketId);
        const update = {
          marketId,
          markWad: args.markWad as bigint,
          indexWad: args.indexWad as bigint,
          timestamp: Number(args.timestamp),
        };
        if (market)
          Object.assign(market, {
            markWad: update.markWad,
            indexWad: update.indexWad,
            priceTimestamp: update.timestamp,
          });
        this.publish("mark", update);
        return;
      }
      case "FundingApplied": {
        const marketId = Number(args.marketId);
        dirtyMarkets.add(marketId);
        this.publish("funding", {
          marketId,
          fundingPerUnitWad: args.fundingPerUnitWad as bigint,
          cumulativeFundingWad: args.cumulativeFundingWad as bigint,
          fundingEpoch: Number(args.fundingEpoch),
          timestamp: this.chainTimeSec(),
        });
        return;
      }
      case "AgentApproved":
      case "AgentRevoked":
        this.applyAgentEvent(parsed);
        return;
      case "OrderCancelled":
        this.publish("orderCancelled", {
          account: getAddress(args.account as string),
          orderHash: (args.orderHash as string).toLowerCase(),
          nonce: args.nonce as bigint,
        });
        return;
      case "NonceFloorRaised": {
        const account = this.ensureAccount(args.account as string);
        account.nonceFloor = args.nonceFloor as bigint;
        this.publish("nonceFloorRaised", { account: account.account, nonceFloor: account.nonceFloor });
        return;
      }
      case "BatchSettled": {
        const batchId = args.batchId as bigint;
        if (batchId + 1n > this.nextBatchId) this.nextBatchId = batchId + 1n;
        this.publish("batchSettled", { batchId, blockNumber: log.blockNumber });
        return;
      }
      case "Paused":
      case "Unpaused":
        this.paused = parsed.name === "Paused";
        return;
      case "Filled":
        // A batch fill names no market: re-read every market's open interest.
        for (const id of this.markets.keys()) dirtyMarkets.add(id);
        return;
      default:
        // Parameter, lifecycle and reduce-only changes, and everything else that moves a market's open interest.
        if (MARKET_EVENTS.has(parsed.name) || OPEN_INTEREST_EVENTS.has(parsed.name))
          dirtyMarkets.add(Number(args.marketId));
    }
  }

  private applyAgentEvent(parsed: LogDescription): void {
    const account = this.ensureAccount(parsed.args.account as string);
    const agent = getAddress(parsed.args.agent as string);
    if (parsed.name === "AgentApproved") account.agents.set(agent, parsed.args.expiry as bigint);
    else account.agents.delete(agent);
  }

  private ensureAccount(address: string): IndexedAccount {
    const key = getAddress(address);
    let account = this.accounts.get(key);
    if (!account) {
      account = emptyAccount(key);
      this.accounts.set(key, account);
    }
    return account;
  }

  private async reloadMarkets(block: number): Promise<void> {
    const { marketRegistry: registry, oracleRegistry: oracle, positionManager } = this.options.contracts;
    const count = Number(await registry.marketCount({ blockTag: block }));
    for (let marketId = 1; marketId <= count; marketId++) {
      this.markets.set(marketId, await readMarket(registry, oracle, positionManager, marketId, block));
    }
  }

  /**
   * Calls every listener of `event` in turn; one that throws is logged and counted, and the others still run. An
   * exception must not escape into the poll: the block range would then be processed again and again.
   */
  private publish<K extends keyof IndexerEvents>(event: K, ...args: IndexerEvents[K]): void {
    for (const listener of this.rawListeners(event) as ((...a: IndexerEvents[K]) => unknown)[]) {
      try {
        listener.apply(this, args);
      } catch (error) {
        this.subscriberFailures += 1;
        this.options.logger.error(
          { err: error, event, block: this.lastProcessedBlock },
          "indexer subscriber threw; the indexer keeps following the chain",
        );
      }
    }
  }

  private async reloadAccount(address: string, block: number): Promise<void> {
    const { positionManager: pm, collateralVault: vault } = this.options.contracts;
    const account = this.ensureAccount(address);
    const [balanceWad, pending, marketIds, nonceFloor] = await Promise.all([
      vault.balanceWad(account.account, { blockTag: block }),
      vault.pendingWithdrawal(account.account, { blockTag: block }),
      pm.openMarkets(account.account, { blockTag: block }),
      pm.nonceFloor(account.account, { blockTag: block }),
    ]);
    const positions = new Map<number, IndexedPosition>();
    await Promise.all(
      marketIds.map(async (id: bigint) => {
        const marketId = Number(id);
        const p = await pm.position(account.account, marketId, { blockTag: block });
        if (p.sizeWad !== 0n)
          positions.set(marketId, {
            marketId,
            sizeWad: p.sizeWad,
            openNotionalWad: p.openNotionalWad,
            lastCumulativeFundingWad: p.lastCumulativeFundingWad,
          });
      }),
    );
    account.balanceWad = balanceWad;
    account.pendingWithdrawalWad = pending.amount === 0n ? 0n : await vault.toWad(pending.amount, { blockTag: block });
    account.positions = positions;
    account.nonceFloor = nonceFloor;
    this.publish("account", account);
  }
}

const MARKET_EVENTS = new Set([
  "MarketListed",
  "MarketStatusChanged",
  "TradingParamsUpdated",
  "FeeParamsUpdated",
  "MarginParamsUpdated",
  "MarginTiersUpdated",
  "FundingParamsUpdated",
  "LiquidationParamsUpdated",
  "OracleParamsUpdated",
  "LifecycleParamsUpdated",
  "MarketReduceOnlySet",
  "MarketResolved",
  "MarketSettled",
  "MarketFrozen",
]);

/** Events with a `marketId` that change the market's open interest (liquidation, ADL, settlement at resolution). */
const OPEN_INTEREST_EVENTS = new Set(["LiquidationFilled", "PositionTakenOver", "AutoDeleveraged", "PositionSettled"]);

function accountsOf(parsed: LogDescription): string[] {
  const out: string[] = [];
  if (NOT_ACCOUNT_EVENTS.has(parsed.name)) return out;
  parsed.fragment.inputs.forEach((input, i) => {
    if (!ACCOUNT_ARGS.has(input.name)) return;
    const value = parsed.args[i] as string | string[];
    for (const address of Array.isArray(value) ? value : [value]) out.push(getAddress(address));
  });
  return out;
}

function emptyAccount(account: string): IndexedAccount {
  return { account, balanceWad: 0n, pendingWithdrawalWad: 0n, positions: new Map(), agents: new Map(), nonceFloor: 0n };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
