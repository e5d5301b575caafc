/**
 * Helpers of the intake, cancel and indexer tests, which run against the whole exchange (test/keepers/e2e/helpers.ts:
 * Keel deployed, the matcher and its gateway on loopback, the settlement pipeline): orders with sane defaults, the
 * assertion of a refusal over HTTP, and polling until the matcher has seen what the chain did.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import { GatewayRequestError } from "../../../keepers/gateway/client";
import type { PlaceOrderResult } from "../../../keepers/gateway/api";
import { OrderFlag, type Order } from "../../../keepers/sdk/orders";
import { BTC_USD, wad } from "../../fixtures/keel";
import { startExchange, traders, type Exchange } from "../e2e/helpers";

/** The running exchange of a test and its funded traders (100,000 USDC each). */
export interface ExchangeContext {
  ex: Exchange;
  traders: Signer[];
}

/** Starts a fresh exchange with `count` funded traders before each test of the enclosing block; stops it after. */
export function useExchange(count: number): ExchangeContext {
  const context = {} as ExchangeContext;
  beforeEach(async function () {
    context.traders = await traders(count);
    context.ex = await startExchange(context.traders);
  });
  afterEach(async function () {
    await context.ex.stop();
  });
  return context;
}

let nextNonce = 1_000n;

/**
 * An order of `signer`'s account with defaults: BTC-USD, 0.1 at 60,000 (the mark), no expiry, no trigger, a nonce
 * unused in this process. `overrides.flags` is combined with the buy flag of `side`.
 */
export async function orderFor(signer: Signer, side: "buy" | "sell", overrides: Partial<Order> = {}): Promise<Order> {
  const { flags = 0, ...rest } = overrides;
  return {
    account: await signer.getAddress(),
    marketId: BTC_USD,
    nonce: nextNonce++,
    expiry: 0n,
    size: wad("0.1"),
    price: wad("60000"),
    triggerPrice: 0n,
    ...rest,
    flags: flags | (side === "buy" ? OrderFlag.Buy : 0),
  };
}

/** Signs `order` with `signer` and places it over HTTP. */
export async function place(ex: Exchange, signer: Signer, order: Order): Promise<PlaceOrderResult> {
  return ex.client.placeOrder(await ex.sign(signer, order));
}

/**
 * Asserts that `call` fails with the gateway error `status` / `code` and that its message names every one of
 * `mentions` (the offending values a person needs to fix the request); returns the error.
 */
export async function expectRejected(
  call: Promise<unknown>,
  status: number,
  code: string,
  ...mentions: string[]
): Promise<GatewayRequestError> {
  let caught: unknown;
  try {
    await call;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected HTTP ${status} ${code}`).to.be.instanceOf(GatewayRequestError);
  const error = caught as GatewayRequestError;
  expect({ status: error.status, code: error.code }, error.message).to.deep.equal({ status, code });
  for (const mention of mentions) expect(error.message).to.include(mention);
  return error;
}

/** Polls `condition` every 25 ms until it holds; fails after `timeoutMs` naming `what` was awaited. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until the matcher's indexer (polling every 50 ms) has processed the chain's latest block. */
export async function caughtUp(ex: Exchange): Promise<void> {
  const head = await ethers.provider.getBlockNumber();
  await waitFor(() => ex.matcher.indexer.lastProcessedBlock >= head, `the indexer to process block ${head}`);
}

/** The latest block's time (unix s). */
export async function chainNow(): Promise<bigint> {
  return BigInt(await time.latest());
}
