/**
 * The EIP-712 `Order` digest agrees across the PositionManager (`orderDigest`), the SDK (keepers/sdk/orders.ts,
 * ethers v6), viem and @metamask/eth-sig-util on random orders covering every field's full Solidity range, and
 * signatures produced by each library settle real fills. A digest or signature under a wrong chain id or verifying
 * contract differs and is rejected with `OrderInvalidSignature`.
 */
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { OrderFlag, OrderState, readOrderDomain, type Order, type OrderDomain } from "../../keepers/sdk/orders";
import { triggered } from "../../keepers/sdk/math";
import { deployKeel, usdc, type KeelFixture } from "../fixtures/keel";
import {
  BTC_PRICE,
  BTC_USD,
  defaultPrices,
  freshSigners,
  fundAll,
  settle,
  type FillSpec,
} from "../contracts/trading/helpers";
import { prng } from "../fixtures/prng";
import { LIBRARIES, ORDER_FIELDS, digestWith, signWith, type Key, type Library } from "../fixtures/orderDigests";

const UINT128_MAX = (1n << 128n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;
const UINT32_MAX = 2 ** 32 - 1;

/* RANDOM ORDERS OVER EVERY FIELD'S FULL TYPE */

const pick = <T>(...arbs: [number, fc.Arbitrary<T>][]): fc.Arbitrary<T> =>
  fc.oneof(...arbs.map(([weight, arbitrary]) => ({ weight, arbitrary })));

const addressArb = pick<string>(
  [8, fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => ethers.getAddress(ethers.hexlify(b)))],
  [1, fc.constantFrom(ethers.ZeroAddress, "0xFFfFfFffFFfffFFfFFfFFFFFffFFFffffFfFFFfF")],
);
const uintArb = (max: bigint): fc.Arbitrary<bigint> =>
  pick<bigint>(
    [4, fc.bigInt(0n, max)],
    [2, fc.bigInt(0n, 10n ** 24n < max ? 10n ** 24n : max)],
    [1, fc.constantFrom(0n, 1n, max, max - 1n, 2n ** 53n, 2n ** 53n + 1n)],
  );
const orderArb: fc.Arbitrary<Order> = fc.record({
  account: addressArb,
  marketId: pick<number>([4, fc.integer({ min: 0, max: UINT32_MAX })], [1, fc.constantFrom(0, 1, 2, UINT32_MAX)]),
  flags: fc.integer({ min: 0, max: 255 }),
  nonce: uintArb(UINT64_MAX),
  expiry: uintArb(UINT64_MAX),
  size: uintArb(UINT128_MAX),
  price: uintArb(UINT128_MAX),
  triggerPrice: uintArb(UINT128_MAX),
});

const ORDER_COUNT = 1000;
const CHUNK = 100;

describe("Order digest: PositionManager = SDK (ethers) = viem = eth-sig-util", function () {
  let f: KeelFixture;
  let domain: OrderDomain;

  before(async function () {
    f = await deployKeel();
    domain = await readOrderDomain(f.pm);
    expect(domain.name).to.equal("Keel");
    expect(domain.version).to.equal("1");
    expect(domain.chainId).to.equal((await ethers.provider.getNetwork()).chainId);
    expect(domain.verifyingContract).to.equal(await f.pm.getAddress());
  });

  it(`agrees on ${ORDER_COUNT} random orders over every field's full range`, async function () {
    const orders = fc.sample(orderArb, { numRuns: ORDER_COUNT, seed: 0x4b45454c });
    const wrongChain: OrderDomain = { ...domain, chainId: domain.chainId + 1n };
    const wrongContract: OrderDomain = { ...domain, verifyingContract: ethers.Wallet.createRandom().address };
    let checked = 0;
    for (let i = 0; i < orders.length; i += CHUNK) {
      const chunk = orders.slice(i, i + CHUNK);
      const onChain = await Promise.all(chunk.map((o) => f.pm.orderDigest(o)));
      chunk.forEach((o, j) => {
        const ctx = `order ${i + j}: ${JSON.stringify(o, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}`;
        for (const library of LIBRARIES) {
          expect(digestWith(library, domain, o), `${library}, ${ctx}`).to.equal(onChain[j]);
        }
        // Every library is sensitive to the domain; checking all three on a tenth keeps the test fast.
        const libs: Library[] = (i + j) % 10 === 0 ? LIBRARIES : ["ethers"];
        for (const library of libs) {
          expect(digestWith(library, wrongChain, o), `${library} wrong chain id, ${ctx}`).to.not.equal(onChain[j]);
          expect(digestWith(library, wrongContract, o), `${library} wrong contract, ${ctx}`).to.not.equal(onChain[j]);
        }
        checked++;
      });
    }
    expect(checked).to.equal(ORDER_COUNT);
  });

  it("the three libraries produce the same (deterministic, RFC 6979) signature", async function () {
    const key = ethers.Wallet.createRandom();
    const orders = fc.sample(orderArb, { numRuns: 30, seed: 7 }).map((o) => ({ ...o, account: key.address }));
    for (const o of orders) {
      const [a, b, c] = await Promise.all(LIBRARIES.map((library) => signWith(library, key, domain, o)));
      expect(b, "viem").to.equal(a);
      expect(c, "eth-sig-util").to.equal(a);
      expect(ethers.verifyTypedData(domain, { Order: ORDER_FIELDS.map((x) => ({ ...x })) }, o, a)).to.equal(
        key.address,
      );
    }
  });
});

/* SIGNATURES FROM EACH LIBRARY SETTLE */

const LOT = 10n ** 14n; // 0.0001 BTC
const TICK = 10n ** 17n; // 0.1 USD
const FILLS_PER_LIBRARY = 20;
const FILLS_PER_BATCH = 5;
const ORDER_PARTIALLY_FILLED = BigInt(OrderState.PartiallyFilled);
const ORDER_DEAD = BigInt(OrderState.Dead);

describe("Signatures of ethers, viem and eth-sig-util settle on chain", function () {
  for (const [n, library] of LIBRARIES.entries()) {
    it(`${library}: ${FILLS_PER_LIBRARY} random valid BTC-USD fills settle`, async function () {
      const f = await deployKeel();
      const domain = await readOrderDomain(f.pm);
      const keys = (await freshSigners(f, 4)) as Key[];
      await fundAll(f, keys, usdc(1_000_000));
      const rnd = prng(0x5eed + n);
      const between = (lo: bigint, hi: bigint) => lo + BigInt(Math.floor(rnd() * Number(hi - lo + 1n)));
      const randomNonce = () => (BigInt(Math.floor(rnd() * 2 ** 32)) << 32n) | BigInt(Math.floor(rnd() * 2 ** 32));
      const expected = new Map<string, bigint>(keys.map((k) => [k.address, 0n]));
      const orders: { order: Order; filled: bigint; ioc: boolean }[] = [];

      /** A random valid order of `key` filling `fill` at `price`, signed by the library under test. */
      const makeOrder = async (key: Key, buy: boolean, role: "maker" | "taker", fill: bigint, price: bigint) => {
        let flags = buy ? OrderFlag.Buy : 0;
        if (role === "maker" && rnd() < 0.4) flags |= OrderFlag.PostOnly;
        if (role === "taker" && rnd() < 0.4) flags |= OrderFlag.ImmediateOrCancel;
        let triggerPrice = 0n;
        const conditional = rnd();
        if (conditional < 0.3) {
          flags |= conditional < 0.15 ? OrderFlag.Stop : OrderFlag.TakeProfit;
          // A trigger within 3% of the mark, reflected around it if the condition is not met yet.
          triggerPrice = (BTC_PRICE * between(970n, 1030n)) / 1000n + between(0n, 99n);
          if (!triggered(flags, triggerPrice, BTC_PRICE)) triggerPrice = 2n * BTC_PRICE - triggerPrice;
          expect(triggered(flags, triggerPrice, BTC_PRICE)).to.equal(true);
        }
        const now = BigInt(await time.latest());
        const order: Order = {
          account: key.address,
          marketId: BTC_USD,
          flags,
          nonce: randomNonce(),
          expiry: rnd() < 0.3 ? 0n : rnd() < 0.5 ? UINT64_MAX : now + between(600n, 365n * 86400n),
          size: rnd() < 0.5 ? fill : fill + between(1n, 10_000n) * LOT,
          // Limits at or beyond the fill price, on or off the tick grid.
          price: buy ? price + between(0n, 10n ** 21n) : price - between(0n, 10n ** 21n),
          triggerPrice,
        };
        orders.push({ order, filled: fill, ioc: (flags & OrderFlag.ImmediateOrCancel) !== 0 });
        return { order, signature: await signWith(library, key, domain, order) };
      };

      for (let b = 0; b < FILLS_PER_LIBRARY / FILLS_PER_BATCH; b++) {
        await defaultPrices(f);
        const fills: FillSpec[] = [];
        for (let i = 0; i < FILLS_PER_BATCH; i++) {
          const makerIdx = Math.floor(rnd() * keys.length);
          const maker = keys[makerIdx];
          const taker = keys[(makerIdx + 1 + Math.floor(rnd() * (keys.length - 1))) % keys.length];
          const takerBuys = rnd() < 0.5;
          const size = between(1n, 20_000n) * LOT; // up to 2 BTC
          const price = ((BTC_PRICE * between(960n, 1040n)) / 1000n / TICK) * TICK + between(-50n, 50n) * TICK;
          const m = await makeOrder(maker, !takerBuys, "maker", size, price);
          const t = await makeOrder(taker, takerBuys, "taker", size, price);
          fills.push({ maker: m, taker: t, size, price });
          expected.set(taker.address, expected.get(taker.address)! + (takerBuys ? size : -size));
          expected.set(maker.address, expected.get(maker.address)! + (takerBuys ? -size : size));
        }
        await expect(settle(f, fills)).to.emit(f.pm, "BatchSettled");
      }

      for (const k of keys)
        expect((await f.pm.position(k.address, BTC_USD)).sizeWad, k.address).to.equal(expected.get(k.address));
      for (const { order, filled, ioc } of orders) {
        const [state, filledWad] = await f.pm.orderStatus(order);
        const partial = filled < order.size && !ioc;
        expect(await f.pm.isNonceUsed(order.account, order.nonce), "nonce used").to.equal(true);
        expect(filledWad, "filled").to.equal(partial ? filled : 0n);
        expect(state, "state").to.equal(partial ? ORDER_PARTIALLY_FILLED : ORDER_DEAD);
      }
      expect(orders.length).to.equal(2 * FILLS_PER_LIBRARY);
      // The random orders covered every kind: partial fills, post-only, IOC, stops, take-profits, expiries.
      const has = (flag: number) => orders.some(({ order }) => (order.flags & flag) !== 0);
      expect(
        [OrderFlag.PostOnly, OrderFlag.ImmediateOrCancel, OrderFlag.Stop, OrderFlag.TakeProfit].map(has),
      ).to.deep.equal([true, true, true, true]);
      expect(
        orders.some(({ order, filled, ioc }) => filled < order.size && !ioc),
        "a partial fill",
      ).to.equal(true);
      expect(
        orders.some(({ order }) => order.expiry !== 0n),
        "an expiry",
      ).to.equal(true);
    });
  }

  it("each library's signature under a wrong chain id or verifying contract is rejected", async function () {
    const f = await deployKeel();
    const domain = await readOrderDomain(f.pm);
    const keys = (await freshSigners(f, 2)) as Key[];
    await fundAll(f, keys, usdc(100_000));
    const wrongDomains: [string, OrderDomain][] = [
      ["chain id + 1", { ...domain, chainId: domain.chainId + 1n }],
      ["chain id 1", { ...domain, chainId: 1n }],
      ["another contract", { ...domain, verifyingContract: await f.vault.getAddress() }],
    ];
    let nonce = 1n;
    const size = 10n * LOT;
    for (const library of LIBRARIES) {
      for (const [label, wrong] of wrongDomains) {
        const makerOrder: Order = {
          account: keys[0].address,
          marketId: BTC_USD,
          flags: 0,
          nonce: nonce++,
          expiry: 0n,
          size,
          price: BTC_PRICE,
          triggerPrice: 0n,
        };
        const takerOrder: Order = { ...makerOrder, account: keys[1].address, flags: OrderFlag.Buy, nonce: nonce++ };
        const onChain = await f.pm.orderDigest(makerOrder);
        expect(digestWith(library, wrong, makerOrder), `${library}, ${label}`).to.not.equal(onChain);
        expect(digestWith(library, domain, makerOrder), `${library}, right domain`).to.equal(onChain);
        const badMaker = { order: makerOrder, signature: await signWith(library, keys[0], wrong, makerOrder) };
        const taker = { order: takerOrder, signature: await signWith(library, keys[1], domain, takerOrder) };
        await defaultPrices(f);
        await expect(settle(f, [{ maker: badMaker, taker, size, price: BTC_PRICE }]), `${library}, ${label}`)
          .to.be.revertedWithCustomError(f.pm, "OrderInvalidSignature")
          .withArgs(0n, 0n, anyValue);
        // The same order signed under the right domain by the same library settles.
        const goodMaker = { order: makerOrder, signature: await signWith(library, keys[0], domain, makerOrder) };
        await defaultPrices(f);
        await expect(settle(f, [{ maker: goodMaker, taker, size, price: BTC_PRICE }])).to.emit(f.pm, "BatchSettled");
      }
    }
  });
});
