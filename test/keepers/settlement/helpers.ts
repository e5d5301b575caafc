/**
 * Shared helpers of the settlement tests: an HTTP JSON-RPC server over the in-process Hardhat network (so that a
 * settlement process, in-process or spawned, talks to the chain as it would to a node), signed order pairs journaled
 * as the matcher would journal them, fresh prices, and the journal-equals-chain check (DESIGN §13.18).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import hre, { deployments, ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet, type Signer } from "ethers";
import { startRpcServer as startHardhatRpcServer, type RpcEndpoint } from "../../../scripts/lib/rpcServer";
import pino from "pino";
import { BTC_USD, deployKeel, fund, usdc, wad, type KeelFixture } from "../../fixtures/keel";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BookOrder, EngineFill, Side } from "../../../keepers/matcher/types";
import {
  orderDigest,
  OrderFlag,
  readOrderDomain,
  signOrder,
  type Order,
  type OrderDomain,
} from "../../../keepers/sdk/orders";
import { PositionManager__factory, type PositionManager } from "../../../keepers/sdk/typechain";
import { Journal } from "../../../keepers/settlement/journal";
import { SettlementPipeline, type SettlementPipelineOptions } from "../../../keepers/settlement/pipeline";
import { verifyOrders } from "../../../keepers/settlement/verify";

/** Hardhat account #0: the deployer, which holds MATCHER_ROLE on the local network. */
export const MATCHER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/** The BTC-USD price every settlement test trades at (wad). */
export const MARK_WAD = wad("60000");
/** BTC-USD lot size (wad). */
export const LOT_WAD = wad("0.0001");

/** Keel with six traders holding 100,000 USDC each and one holding 50 (too little for a 1 BTC position). */
export interface TradingFixture {
  f: KeelFixture;
  traders: HardhatEthersSigner[];
  poor: HardhatEthersSigner;
}

/** Deploys Keel and funds the traders (snapshotted: later calls revert to the same state). */
export const tradingFixture = deployments.createFixture(async (): Promise<TradingFixture> => {
  const f = await deployKeel();
  const signers = await ethers.getSigners();
  const traders = signers.slice(5, 11);
  await fundTraders(f, traders);
  await fundTraders(f, [signers[11]], usdc(50));
  return { f, traders, poor: signers[11] };
});

export type { RpcEndpoint };

/** Starts an HTTP JSON-RPC server on a free port over `hre.network.provider` (the chain outlives any client). */
export function startRpcServer(): Promise<RpcEndpoint> {
  return startHardhatRpcServer(hre);
}

/** A fresh journal file path in a new temporary directory. */
export function tempJournalPath(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), "keel-journal-")), "journal.sqlite");
}

/** The PositionManager connected to the matcher's key on `rpc`. */
export function matcherPm(f: KeelFixture, rpc: RpcEndpoint): PositionManager {
  return PositionManager__factory.connect(f.pm.target as string, new Wallet(MATCHER_KEY, rpc.provider));
}

/** A pipeline on `rpc` with a silent logger; `options` override the defaults. */
export function pipelineFor(
  f: KeelFixture,
  rpc: RpcEndpoint,
  journal: Journal,
  options: Partial<SettlementPipelineOptions> = {},
): SettlementPipeline {
  return new SettlementPipeline({
    pm: matcherPm(f, rpc),
    journal,
    logger: pino({ level: "silent" }),
    receiptTimeoutMs: 10_000,
    pollIntervalMs: 50,
    ...options,
  });
}

/**
 * Pushes `markWad` as index and mark of BTC-USD in a block dated one second after the latest (whatever the wall
 * clock says after a snapshot revert), so the price is fresh for the next minute of chain time.
 */
export async function pushBtcPrice(f: KeelFixture, markWad: bigint = MARK_WAD): Promise<void> {
  const timestamp = (await time.latest()) + 1;
  await time.setNextBlockTimestamp(timestamp);
  await (await f.oracle.connect(f.deployer).pushPrices([BTC_USD], [markWad], [markWad], timestamp)).wait();
}

/** Deposits `amountUsdc` (token units) for each of `signers`. */
export async function fundTraders(f: KeelFixture, signers: readonly Signer[], amountUsdc = usdc(100_000)) {
  for (const signer of signers) await fund(f, signer as never, amountUsdc);
}

/** A signed order with its `BookOrder` as the matcher would journal it. */
export interface PlacedOrder {
  book: BookOrder;
  signer: Signer;
}

/** Signs orders and builds the fills the matcher would journal (fresh nonces, arrival sequence numbers). */
export class OrderDesk {
  private nonce: bigint;
  private seq = 0;

  constructor(
    private readonly domain: OrderDomain,
    nonceStart = 1n << 40n,
  ) {
    this.nonce = nonceStart;
  }

  /** The desk of the fixture's PositionManager. */
  static async of(f: KeelFixture, nonceStart?: bigint): Promise<OrderDesk> {
    return new OrderDesk(await readOrderDomain(f.pm), nonceStart);
  }

  /** A signed BTC-USD limit order of `sizeWad` at `priceWad` (default the mark). */
  async order(
    signer: Signer & { address: string },
    side: Side,
    sizeWad: bigint,
    overrides: Partial<Order> = {},
  ): Promise<PlacedOrder> {
    const order: Order = {
      account: signer.address,
      marketId: BTC_USD,
      flags: side === "buy" ? OrderFlag.Buy : 0,
      nonce: this.nonce++,
      expiry: 0n,
      size: sizeWad,
      price: MARK_WAD,
      triggerPrice: 0n,
      ...overrides,
    };
    const signature = await signOrder(signer, this.domain, order);
    const book: BookOrder = {
      hash: orderDigest(this.domain, order).toLowerCase(),
      signed: { order, signature },
      account: signer.address,
      marketId: order.marketId,
      side,
      priceWad: order.price,
      sizeWad: order.size,
      filledWad: 0n,
      status: "open",
      seq: ++this.seq,
      receivedAtMs: Date.now(),
    };
    return { book, signer };
  }

  /** The fill of `sizeWad` at `priceWad` (default the maker's limit) between a resting maker and a crossing taker. */
  fill(maker: PlacedOrder, taker: PlacedOrder, sizeWad: bigint, priceWad: bigint = maker.book.priceWad): EngineFill {
    return {
      id: 0,
      marketId: maker.book.marketId,
      makerHash: maker.book.hash,
      takerHash: taker.book.hash,
      maker: maker.book.signed,
      taker: taker.book.signed,
      takerSide: taker.book.side,
      sizeWad,
      priceWad,
      timestampMs: Date.now(),
    };
  }

  /**
   * Signs a maker and a taker order of `sizeWad` (taker on `takerSide`, both at the mark), journals them with their
   * fill, and returns the journaled fill.
   */
  async journalPair(
    journal: Journal,
    maker: Signer & { address: string },
    taker: Signer & { address: string },
    takerSide: Side,
    sizeWad: bigint,
  ): Promise<EngineFill> {
    const m = await this.order(maker, takerSide === "buy" ? "sell" : "buy", sizeWad);
    const t = await this.order(taker, takerSide, sizeWad);
    return journal.recordPlacement([m.book, t.book], [this.fill(m, t, sizeWad)])[0];
  }
}

/** What {@link checkJournalEqualsChain} found; every count is 0 when the journal equals the chain. */
export interface JournalChainCheck {
  /** Journal fills settled / dropped. */
  settled: number;
  dropped: number;
  /** Fills neither settled nor dropped, plus settled fills missing on chain, plus valid fills dropped. */
  lost: number;
  /** `Filled` events without a settled journal fill (a fill settled twice, or one the journal does not know). */
  doubled: number;
  /** Fills expected to be refused that were not dropped, or dropped with another culprit. */
  missedDrops: number;
  /** Orders whose `orderStatus` disagrees with the journal. */
  orderMismatches: number;
  /** Batches still open in the journal. */
  openBatches: number;
  details: string[];
}

/**
 * Compares the journal with the chain: the multiset of settled fills (batch, maker, taker, size, price) equals the
 * `Filled` events from batch `fromBatchId` on; every fill is settled or dropped; exactly the `expectedDrops` (fill
 * id → culprit) were dropped; and `verifyOrders` finds no mismatch.
 */
export async function checkJournalEqualsChain(
  pm: PositionManager,
  journal: Journal,
  fromBatchId: bigint,
  expectedDrops: ReadonlyMap<number, string>,
): Promise<JournalChainCheck> {
  const check: JournalChainCheck = {
    settled: 0,
    dropped: 0,
    lost: 0,
    doubled: 0,
    missedDrops: 0,
    orderMismatches: 0,
    openBatches: journal.openBatches().length,
    details: [],
  };
  const flag = (counter: "lost" | "doubled" | "missedDrops", message: string, by = 1): void => {
    check[counter] += by;
    check.details.push(message);
  };
  const onChain = new Map<string, number>();
  for (const { args } of await pm.queryFilter(pm.filters.Filled(), 0)) {
    if (args.batchId < fromBatchId) continue;
    const key = fillKey(args.batchId, args.makerOrderHash, args.takerOrderHash, args.sizeWad, args.priceWad);
    onChain.set(key, (onChain.get(key) ?? 0) + 1);
  }
  for (const fill of journal.fills()) {
    const expected = expectedDrops.get(fill.id);
    if (fill.status === "settled") {
      check.settled++;
      const key = fillKey(fill.batchId!, fill.makerHash, fill.takerHash, fill.sizeWad, fill.priceWad);
      const count = onChain.get(key) ?? 0;
      if (count === 0)
        flag("lost", `fill ${fill.id} is settled in batch ${fill.batchId} but has no Filled event there`);
      else onChain.set(key, count - 1);
      if (expected) flag("missedDrops", `fill ${fill.id} should have been dropped but settled`);
    } else if (fill.status === "dropped") {
      check.dropped++;
      if (!expected) flag("lost", `valid fill ${fill.id} was dropped: ${fill.dropReason}`);
      else if (expected !== fill.culprit) {
        flag("missedDrops", `fill ${fill.id} dropped with culprit ${fill.culprit}, expected ${expected}`);
      }
    } else {
      flag("lost", `fill ${fill.id} is still ${fill.status}`);
    }
  }
  for (const [key, count] of onChain) {
    if (count > 0) flag("doubled", `${count} Filled event(s) without a settled journal fill: ${key}`, count);
  }
  const verify = await verifyOrders(pm, journal);
  check.orderMismatches = verify.mismatches.length;
  check.details.push(...verify.mismatches.map((m) => m.message));
  if (check.openBatches > 0) check.details.push(`${check.openBatches} batch(es) still open`);
  return check;
}

function fillKey(batchId: bigint, maker: string, taker: string, sizeWad: bigint, priceWad: bigint): string {
  return `${batchId}|${maker.toLowerCase()}|${taker.toLowerCase()}|${sizeWad}|${priceWad}`;
}

/** What {@link usePipelineRig}'s hooks set up. */
export interface PipelineRig {
  rpc: RpcEndpoint;
  f: KeelFixture;
  traders: HardhatEthersSigner[];
  journal: Journal;
}

/**
 * Mocha hooks of a pipeline test file: a JSON-RPC endpoint for the file, and for each test the trading fixture, a fresh
 * BTC-USD price and an empty journal (closed after it). Call inside `describe`; read the fields inside tests and hooks.
 */
export function usePipelineRig(): PipelineRig {
  const rig = {} as PipelineRig;
  before(async function () {
    rig.rpc = await startRpcServer();
  });
  after(async function () {
    await rig.rpc.close();
  });
  beforeEach(async function () {
    ({ f: rig.f, traders: rig.traders } = await tradingFixture());
    await pushBtcPrice(rig.f);
    rig.journal = Journal.open(tempJournalPath());
  });
  afterEach(function () {
    rig.journal.close();
  });
  return rig;
}
