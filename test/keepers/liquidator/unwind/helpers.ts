/**
 * The backstop unwind's scene: the exchange running in-process (matcher, gateway, settlement; test/keepers/e2e), the
 * insurance fund seeded with 10,000 USDC and holding a backstop position of 0.3 BTC taken over at the mark from alice
 * (the deployer holds `LIQUIDATOR_ROLE`), a maker that rests orders through the gateway, and an unwinder with its own
 * indexer, a fresh operator key granted `BACKSTOP_OPERATOR_ROLE`, and a clock the test moves.
 *
 * - `long`: alice buys 0.3 at 60,000 with 1,000 USDC, the mark walks to 57,000 (equity ≈ 92 < maintenance 171): the
 *   fund takes over +0.3 at 57,000 and unwinds with sells.
 * - `short`: alice sells 0.3 at 60,000, the mark walks to 63,000: the fund takes over −0.3 at 63,000 and buys back.
 */
import { ethers } from "hardhat";
import type { HDNodeWallet, Signer } from "ethers";
import pino from "pino";
import { ChainIndexer } from "../../../../keepers/indexer/indexer";
import { BackstopUnwinder, type UnwinderOptions } from "../../../../keepers/liquidator/unwind";
import { OrderFlag, type Order } from "../../../../keepers/sdk/orders";
import { BTC_USD, fund, seedInsuranceFund, usdc, wad } from "../../../fixtures/keel";
import { walkPrices } from "../../../contracts/trading/behaviourHelpers";
import { startExchange, traders, type Exchange } from "../../e2e/helpers";
import { indexerOf } from "../../indexer/helpers";

export { BTC_USD, wad };

/** The scene and the handles the unwind tests use. */
export interface UnwindRig {
  ex: Exchange;
  fundAddress: string;
  /** The mark the takeover happened at (wad). */
  markWad: bigint;
  /** The unwinder's own indexer. */
  indexer: ChainIndexer;
  /** Holds `BACKSTOP_OPERATOR_ROLE` on the fund. */
  operator: HDNodeWallet;
  /** The unwinder's wall clock (ms); tests move it to pass `minIntervalMs`. */
  clock: { nowMs: number };
  /** An unwinder over the scene; `options` override the defaults. */
  unwinder(options?: Partial<UnwinderOptions>): BackstopUnwinder;
  /** Rests a post-only limit order of the maker through the gateway. */
  rest(side: "buy" | "sell", sizeWad: bigint, priceWad: bigint): Promise<void>;
  /** Settles every matched fill on chain and lets both indexers catch up. */
  settle(): Promise<void>;
  /** The fund's on-chain position in BTC-USD (signed wad). */
  fundSize(): Promise<bigint>;
  stop(): Promise<void>;
}

/** Builds the scene (see the module comment) with the fund `long` or `short` 0.3 BTC. */
export async function unwindRig(side: "long" | "short"): Promise<UnwindRig> {
  const [alice, bob, maker] = await traders(3);
  const ex = await startExchange([bob, maker]);
  const { f } = ex;
  await fund(f, alice as never, usdc(1_000));
  await seedInsuranceFund(f, usdc(10_000));
  await ex.matcher.indexer.poll();
  const fundAddress = await f.fund.getAddress();
  let nonce = 1n;
  const place = async (signer: Signer, orderSide: "buy" | "sell", sizeWad: bigint, priceWad: bigint, flags = 0) => {
    const order: Order = {
      account: await signer.getAddress(),
      marketId: BTC_USD,
      flags: flags | (orderSide === "buy" ? OrderFlag.Buy : 0),
      nonce: nonce++,
      expiry: 0n,
      size: sizeWad,
      price: priceWad,
      triggerPrice: 0n,
    };
    return ex.client.placeOrder(await ex.sign(signer, order));
  };

  const open = wad("60000");
  await place(bob, side === "long" ? "sell" : "buy", wad("0.3"), open, OrderFlag.PostOnly);
  await place(alice, side === "long" ? "buy" : "sell", wad("0.3"), open);
  await ex.settle();
  const markWad = side === "long" ? wad("57000") : wad("63000");
  await walkPrices(f, { [BTC_USD]: markWad });
  await (await f.pm.connect(f.deployer).backstopLiquidate(await alice.getAddress(), BTC_USD)).wait();
  await ex.matcher.indexer.poll();

  const operator = ethers.Wallet.createRandom();
  await (await f.fund.connect(f.deployer).grantRole(await f.fund.BACKSTOP_OPERATOR_ROLE(), operator.address)).wait();
  const indexer = indexerOf(f);
  await indexer.rebuild();
  const clock = { nowMs: Date.now() };
  const logger = pino({ level: process.env.KEEL_TEST_LOG_LEVEL ?? "silent" });
  return {
    ex,
    fundAddress,
    markWad,
    indexer,
    operator,
    clock,
    unwinder: (options = {}) =>
      new BackstopUnwinder({
        indexer,
        client: ex.client,
        fundAddress,
        operator,
        domain: ex.domain,
        logger,
        now: () => clock.nowMs,
        ...options,
      }),
    rest: async (orderSide, sizeWad, priceWad) => {
      const placed = await place(maker, orderSide, sizeWad, priceWad, OrderFlag.PostOnly);
      if (placed.order.status !== "open") throw new Error(`maker order not resting: ${placed.order.status}`);
    },
    settle: async () => {
      await ex.settle();
      await indexer.poll();
    },
    fundSize: async () => (await f.pm.position(fundAddress, BTC_USD)).sizeWad,
    stop: () => ex.stop(),
  };
}
