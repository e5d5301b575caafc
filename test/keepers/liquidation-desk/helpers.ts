/**
 * The liquidation-desk scene: the end-to-end exchange (test/keepers/e2e/helpers.ts) with a trader who bought 0.3 BTC
 * at 60,000 on 1,000 USDC through the gateway (settled on chain), the BTC-USD mark walked to 57,200 (equity 151.9 <
 * maintenance 171.6: liquidatable, above ⅔ of it), and a bidder resting bids over HTTP. The deployer holds
 * LIQUIDATOR_ROLE on the local network and signs the liquidation requests.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionReceipt, Signer } from "ethers";
import pino from "pino";
import { connectKeel } from "../../../keepers/core/deployment";
import { GatewayClient, GatewayRequestError } from "../../../keepers/gateway/client";
import type { LiquidationTicket, PlaceOrderResult } from "../../../keepers/gateway/api";
import type { LiquidationDesk } from "../../../keepers/matcher/liquidation";
import { startMatcher, type MatcherOptions } from "../../../keepers/matcher/keeper";
import {
  liquidateOnBookArgs,
  signLiquidationRequest,
  type LiquidationRequest,
} from "../../../keepers/sdk/liquidations";
import { OrderFlag, type Order } from "../../../keepers/sdk/orders";
import { BTC_USD, fund, keelAddresses, usdc, wad } from "../../fixtures/keel";
import { walkPrices } from "../../contracts/trading/behaviourHelpers";
import { startExchange, traders, type Exchange } from "../e2e/helpers";
import { ethers } from "hardhat";

export { BTC_USD, wad };

/** The trader's long and the mark that makes it liquidatable (see the module comment). */
export const LONG_SIZE = wad("0.3");
export const LIQ_MARK = wad("57200");

/** A running exchange with a liquidatable trader. */
export interface LiquidationScene {
  ex: Exchange;
  /** The liquidatable account (long 0.3 BTC). */
  trader: HardhatEthersSigner;
  /** Sold the trader its long (short 0.3, healthy). */
  counterparty: HardhatEthersSigner;
  /** Rests bids for the liquidation. */
  bidder: HardhatEthersSigner;
  /** Holds LIQUIDATOR_ROLE. */
  liquidator: HardhatEthersSigner;
  /** The matcher's liquidation desk. */
  desk(): LiquidationDesk;
}

let nonce = 1n << 32n;

/** An unsigned BTC-USD limit order of `signer`. */
export async function btcOrder(
  signer: Signer,
  side: "buy" | "sell",
  size: string,
  price: string,
  flags = 0,
): Promise<Order> {
  return {
    account: await signer.getAddress(),
    marketId: BTC_USD,
    flags: flags | (side === "buy" ? OrderFlag.Buy : 0),
    nonce: nonce++,
    expiry: 0n,
    size: wad(size),
    price: wad(price),
    triggerPrice: 0n,
  };
}

/** Signs and places a BTC-USD limit order over HTTP. */
export async function place(
  ex: Exchange,
  signer: Signer,
  side: "buy" | "sell",
  size: string,
  price: string,
): Promise<PlaceOrderResult> {
  return ex.client.placeOrder(await ex.sign(signer, await btcOrder(signer, side, size, price)));
}

/** Signs and places a BTC-USD limit order over HTTP; returns its hash. */
export async function rest(
  ex: Exchange,
  signer: Signer,
  side: "buy" | "sell",
  size: string,
  price: string,
): Promise<string> {
  return (await place(ex, signer, side, size, price)).order.hash;
}

/** Starts the exchange, opens the trader's long at 60,000, settles it and walks the mark to 57,200. */
export async function liquidatableScene(): Promise<LiquidationScene> {
  const [counterparty, bidder, trader] = (await traders(3)) as HardhatEthersSigner[];
  const ex = await startExchange([counterparty, bidder]);
  await fund(ex.f, trader, usdc(1000));
  await ex.matcher.indexer.poll();
  await rest(ex, counterparty, "sell", "0.3", "60000");
  await rest(ex, trader, "buy", "0.3", "60000");
  await ex.settle();
  await walkPrices(ex.f, { [BTC_USD]: LIQ_MARK });
  await ex.matcher.indexer.poll();
  return {
    ex,
    trader,
    counterparty,
    bidder,
    liquidator: ex.f.deployer,
    desk: () => ex.matcher.service.liquidations,
  };
}

/** A liquidation request for `account` (BTC-USD, the whole long, deadline 60 s ahead in chain time). */
export function request(scene: LiquidationScene, overrides: Partial<LiquidationRequest> = {}): LiquidationRequest {
  return {
    account: scene.trader.address,
    marketId: BTC_USD,
    maxSizeWad: LONG_SIZE,
    deadline: BigInt(scene.ex.matcher.indexer.chainTimeSec() + 60),
    ...overrides,
  };
}

/** Signs `req` with `signer` (the liquidator by default) and reserves it over HTTP. */
export async function reserve(
  scene: LiquidationScene,
  req: LiquidationRequest = request(scene),
  signer: Signer = scene.liquidator,
): Promise<LiquidationTicket> {
  return scene.ex.client.reserveLiquidation(req, await signLiquidationRequest(signer, scene.ex.domain, req));
}

/** Sends the ticket's `liquidateOnBook` from the liquidator and waits for it. */
export async function liquidateOnChain(
  scene: LiquidationScene,
  ticket: LiquidationTicket,
): Promise<ContractTransactionReceipt> {
  const a = liquidateOnBookArgs(ticket);
  const tx = await scene.ex.f.pm
    .connect(scene.liquidator)
    .liquidateOnBook(a.account, a.marketId, a.orders, a.signatures, a.fills);
  const receipt = await tx.wait();
  if (!receipt) throw new Error("liquidateOnBook has no receipt");
  return receipt;
}

/** The bids of BTC-USD as [price, size] pairs (wad). */
export async function bids(scene: LiquidationScene): Promise<[bigint, bigint][]> {
  return (await scene.ex.client.book(BTC_USD)).bids.map((l) => [l.priceWad, l.sizeWad]);
}

/**
 * Stops the matcher and starts a new one on the same journal (as after a crash or a deploy), replacing the scene's
 * matcher and client; the exchange's `stop()` then stops the new one.
 */
export async function restartMatcher(
  scene: LiquidationScene,
  liquidation?: MatcherOptions["liquidation"],
): Promise<void> {
  const { ex } = scene;
  const journal = ex.matcher.journal;
  await ex.matcher.stop();
  ex.matcher = await startMatcher({
    provider: ethers.provider,
    contracts: connectKeel(keelAddresses(ex.f), ethers.provider),
    journal,
    fromBlock: 0,
    logger: pino({ level: process.env.KEEL_TEST_LOG_LEVEL ?? "silent" }),
    host: "127.0.0.1",
    port: 0,
    pollIntervalMs: 50,
    writeRateLimit: false,
    liquidation,
  });
  ex.client = new GatewayClient(ex.matcher.address.url);
}

/** The gateway's refusal of `call` (fails the test when the call succeeds or fails otherwise). */
export async function refusal(call: Promise<unknown>): Promise<GatewayRequestError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof GatewayRequestError) return error;
    throw error;
  }
  throw new Error("expected the gateway to refuse the request, but it succeeded");
}

/** Polls `condition` every 50 ms until it holds; fails after `timeoutMs`. */
export async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
