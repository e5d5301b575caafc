/**
 * Orders as the fuzzer signs them and the settlement keeper settles them: each signed order's digest is checked
 * against the PositionManager, ethers, viem and eth-sig-util (DESIGN §13.6); fills are journaled as the matcher would
 * and settled by the real `SettlementPipeline`, which can be made to crash at a failpoint and is then restarted
 * (reconcile, then flush) as an operator would (§13.18).
 */
import type { Signer } from "ethers";
import { orderDigest, signOrder, OrderFlag, type Order } from "../../../keepers/sdk/orders";
import type { BookOrder, EngineFill, Side } from "../../../keepers/matcher/types";
import { failpointFromSpec, type Failpoint } from "../../../keepers/settlement/failpoint";
import { SettlementBlockedError } from "../../../keepers/settlement/errors";
import { LIBRARIES, digestWith } from "../../fixtures/orderDigests";
import { isDeclaredError } from "./revert";
import { InvariantViolation } from "./violation";
import { newPipeline, type TrackedOrder, type World } from "./world";

/** The next unused nonce of `account` in this sequence. */
export function nextNonce(world: World, account: string): bigint {
  const nonce = world.model.nonces.get(account) ?? 1n;
  world.model.nonces.set(account, nonce + 1n);
  return nonce;
}

/** What an order says, besides its account and nonce (which the fuzzer assigns). */
export interface OrderSpec {
  marketId: number;
  side: Side;
  sizeWad: bigint;
  priceWad: bigint;
  /** Extra flags besides Buy (ReduceOnly, PostOnly, ImmediateOrCancel). */
  flags?: number;
  expiry?: bigint;
}

let seq = 0;

/**
 * Signs an order of `account` by `signer` (the account's key, or the fund's operator for the insurance fund), checks
 * its digest across the chain and three libraries, and remembers it.
 * @throws InvariantViolation (§13.6) when any digest disagrees.
 */
export async function signTracked(
  world: World,
  account: string,
  signer: Signer,
  spec: OrderSpec,
  domain = world.domain,
): Promise<TrackedOrder> {
  const order: Order = {
    account,
    marketId: spec.marketId,
    flags: (spec.side === "buy" ? OrderFlag.Buy : 0) | (spec.flags ?? 0),
    nonce: nextNonce(world, account),
    expiry: spec.expiry ?? 0n,
    size: spec.sizeWad,
    price: spec.priceWad,
    triggerPrice: 0n,
  };
  const signature = await signOrder(signer, domain, order);
  const hash = orderDigest(domain, order).toLowerCase();
  if (domain === world.domain) await checkDigestAgreement(world, order, hash);
  const book: BookOrder = {
    hash,
    signed: { order, signature },
    account,
    marketId: spec.marketId,
    side: spec.side,
    priceWad: spec.priceWad,
    sizeWad: spec.sizeWad,
    filledWad: 0n,
    status: "open",
    seq: ++seq,
    receivedAtMs: Date.now(),
  };
  const tracked: TrackedOrder = { book, signed: book.signed };
  if (domain === world.domain) world.model.orders.set(hash, tracked);
  return tracked;
}

/** §13.6: the PositionManager's digest equals ethers', viem's and eth-sig-util's. */
async function checkDigestAgreement(world: World, order: Order, sdkHash: string): Promise<void> {
  const onChain = (await world.f.pm.orderDigest(order)).toLowerCase();
  for (const library of LIBRARIES) {
    const digest = digestWith(library, world.domain, order).toLowerCase();
    if (digest !== onChain) {
      throw new InvariantViolation(6, `${library} digest ${digest} ≠ PositionManager.orderDigest ${onChain}`);
    }
  }
  if (sdkHash !== onChain) throw new InvariantViolation(6, `SDK digest ${sdkHash} ≠ on-chain ${onChain}`);
}

/** The signer of an account's orders: its own key, or the deployer (BACKSTOP_OPERATOR_ROLE) for the fund. */
export function signerFor(world: World, account: string): Signer {
  if (account === world.fundAddress) return world.f.deployer;
  const all = [...world.traders, world.maker, world.keeper];
  const signer = all.find((s) => s.address === account);
  if (!signer) throw new Error(`the fuzzer has no key for ${account}`);
  return signer;
}

/** Journals orders and their fills as the matcher does on a match (write-ahead, before any settlement). */
export function journalFills(
  world: World,
  orders: readonly TrackedOrder[],
  fills: readonly { maker: TrackedOrder; taker: TrackedOrder; sizeWad: bigint; priceWad: bigint }[],
): EngineFill[] {
  const engineFills: EngineFill[] = fills.map((fill) => ({
    id: 0,
    marketId: fill.maker.book.marketId,
    makerHash: fill.maker.book.hash,
    takerHash: fill.taker.book.hash,
    maker: fill.maker.signed,
    taker: fill.taker.signed,
    takerSide: fill.taker.book.side,
    sizeWad: fill.sizeWad,
    priceWad: fill.priceWad,
    timestampMs: Date.now(),
  }));
  return world.journal.recordPlacement(
    orders.map((o) => o.book),
    engineFills,
  );
}

/** Thrown by the injected failpoint: the keeper "dies" there. */
class KeeperCrash extends Error {
  override readonly name = "KeeperCrash";
}

/** What one keeper flush did. */
export interface KeeperOutcome {
  crashedAt?: string;
  /** Set when the batch could not succeed for a reason no fill is at fault for (a declared error name). */
  blockedBy?: string;
}

/**
 * Settles every pending journal fill with the settlement keeper. With `crash`, the keeper dies at that failpoint (the
 * n-th time it is reached) and a fresh keeper reconciles the journal with the chain and flushes the rest.
 * A batch that cannot succeed through no fill's fault (e.g. the open-interest cap) leaves its fills to the operator:
 * they are dropped from the journal by hand, as the runbook says.
 * @throws InvariantViolation (§13.19) when a blocked batch names no declared custom error.
 */
export async function settleWithKeeper(
  world: World,
  crash?: { point: Failpoint; nth: number },
): Promise<KeeperOutcome> {
  const outcome: KeeperOutcome = {};
  if (crash) {
    world.pipeline = newPipeline(
      world,
      failpointFromSpec(`${crash.point}:${crash.nth}`, () => {
        throw new KeeperCrash(crash.point);
      }),
    );
  }
  try {
    await world.pipeline.flush();
  } catch (error) {
    if (error instanceof KeeperCrash) {
      outcome.crashedAt = `${crash!.point}:${crash!.nth}`;
    } else if (error instanceof SettlementBlockedError) {
      outcome.blockedBy = error.errorName;
    } else {
      throw error;
    }
  } finally {
    if (crash) world.pipeline = newPipeline(world);
  }
  if (outcome.crashedAt) {
    await world.pipeline.reconcile();
    try {
      await world.pipeline.flush();
    } catch (error) {
      if (!(error instanceof SettlementBlockedError)) throw error;
      outcome.blockedBy = error.errorName;
    }
  }
  if (outcome.blockedBy !== undefined) {
    if (!isDeclaredError(outcome.blockedBy)) {
      throw new InvariantViolation(19, `settleBatch failed with an undeclared revert: ${outcome.blockedBy}`);
    }
    for (const fill of world.journal.pendingFills(1_000)) {
      world.journal.dropFill(fill.id, `blocked: ${outcome.blockedBy}`, "none");
      world.model.blockedFills++;
    }
  }
  return outcome;
}
