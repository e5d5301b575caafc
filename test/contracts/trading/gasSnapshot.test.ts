/**
 * Gas of settleBatch (DESIGN §11), compared against the committed snapshot test/contracts/trading/gas-snapshot.json:
 * a scenario fails when its transaction gas grows more than 5% over the snapshot. `UPDATE_GAS_SNAPSHOT=1` rewrites
 * the snapshot with the figures measured instead of comparing.
 *
 * Every scenario is the realistic steady state: distinct accounts that already hold positions (opened in a setup
 * batch) trade fresh orders whose nonces follow their previous ones (1, then 2), so each nonce bit lands in a bitmap
 * word that is already non-zero. Targets (§11): ≤ 45,000 gas per matched pair in a batch of 50, ≤ 30,000 per fill of
 * one maker against many takers.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import type { SignedOrder } from "../../../keepers/sdk/batch";
import { deployKeel, usdc, useSolvencyInvariant, type KeelFixture } from "../../fixtures/keel";
import { BTC_PRICE, defaultPrices, freshSigners, fundAll, settle, wad, type FillSpec } from "./helpers";
import { place, receiptOf, type Account } from "./behaviourHelpers";

const SNAPSHOT_FILE = path.join(__dirname, "gas-snapshot.json");
const UPDATE = process.env.UPDATE_GAS_SNAPSHOT === "1";
/** Allowed growth over the snapshot before a scenario fails. */
const TOLERANCE_PERCENT = 5n;
const FILL_SIZE = wad("0.01");

/** One measured scenario: fills in the batch, gas of the whole transaction and gas per fill (per pair). */
interface GasFigure {
  fills: number;
  gasUsed: number;
  perFill: number;
}
interface GasSnapshot {
  settleBatch: Record<string, GasFigure>;
}

function readSnapshot(): GasSnapshot | undefined {
  if (!fs.existsSync(SNAPSHOT_FILE)) return undefined;
  return JSON.parse(fs.readFileSync(SNAPSHOT_FILE, "utf8")) as GasSnapshot;
}

const measured: Record<string, GasFigure> = {};

/** Records a scenario's gas and, unless updating, compares it with the snapshot. */
function check(name: string, fills: number, gasUsed: bigint): void {
  const figure: GasFigure = { fills, gasUsed: Number(gasUsed), perFill: Math.round(Number(gasUsed) / fills) };
  measured[name] = figure;
  if (UPDATE) return;
  const recorded = readSnapshot()?.settleBatch[name];
  if (!recorded) throw new Error(`no snapshot for "${name}": run with UPDATE_GAS_SNAPSHOT=1`);
  const limit = (BigInt(recorded.gasUsed) * (100n + TOLERANCE_PERCENT)) / 100n;
  expect(
    gasUsed,
    `${name}: ${gasUsed} gas is more than ${TOLERANCE_PERCENT}% over the snapshot's ${recorded.gasUsed}`,
  ).to.be.lte(limit);
}

/** Sells `size` for each maker and buys it for each taker, pairwise, with the given nonce. */
async function pairFills(f: KeelFixture, makers: Account[], takers: Account[], nonce: bigint): Promise<FillSpec[]> {
  const fills: FillSpec[] = [];
  for (let i = 0; i < makers.length; i++) {
    fills.push({
      maker: await place(f, makers[i], "sell", { size: FILL_SIZE, nonce }),
      taker: await place(f, takers[i], "buy", { size: FILL_SIZE, nonce }),
      size: FILL_SIZE,
      price: BTC_PRICE,
    });
  }
  return fills;
}

/** One maker order (nonce `nonce`) filled by every taker (each its own order with the same nonce). */
async function makerFills(f: KeelFixture, maker: Account, takers: Account[], nonce: bigint): Promise<FillSpec[]> {
  const ask: SignedOrder = await place(f, maker, "sell", { size: FILL_SIZE * BigInt(takers.length), nonce });
  const fills: FillSpec[] = [];
  for (const t of takers) {
    fills.push({
      maker: ask,
      taker: await place(f, t, "buy", { size: FILL_SIZE, nonce }),
      size: FILL_SIZE,
      price: BTC_PRICE,
    });
  }
  return fills;
}

async function accounts(f: KeelFixture, n: number): Promise<Account[]> {
  const signers = (await freshSigners(f, n)) as Account[];
  await fundAll(f, signers, usdc(10_000));
  return signers;
}

/** Settles `setup` (opening positions), then measures the gas of `measure`. */
async function measureAfterSetup(f: KeelFixture, setup: FillSpec[], measure: FillSpec[]): Promise<bigint> {
  await defaultPrices(f);
  await (await settle(f, setup)).wait();
  await defaultPrices(f);
  const receipt = await receiptOf(await settle(f, measure));
  return receipt.gasUsed;
}

describe("PositionManager.settleBatch gas snapshot", function () {
  useSolvencyInvariant();

  after(function () {
    const rows = Object.entries(measured);
    if (rows.length === 0) return;
    console.log("\n    settleBatch gas (accounts already hold positions; nonces 1 then 2)");
    console.log(
      `    ${"scenario".padEnd(22)}${"fills".padStart(6)}${"tx gas".padStart(12)}${"per pair/fill".padStart(15)}`,
    );
    for (const [name, g] of rows) {
      console.log(
        `    ${name.padEnd(22)}${String(g.fills).padStart(6)}${String(g.gasUsed).padStart(12)}${String(g.perFill).padStart(15)}`,
      );
    }
    if (UPDATE) {
      const snapshot: GasSnapshot = { settleBatch: { ...(readSnapshot()?.settleBatch ?? {}), ...measured } };
      fs.writeFileSync(SNAPSHOT_FILE, JSON.stringify(snapshot, null, 2) + "\n");
      console.log(`    wrote ${path.relative(process.cwd(), SNAPSHOT_FILE)}`);
    }
  });

  for (const pairs of [1, 10, 50]) {
    it(`${pairs} matched pair(s) of distinct accounts`, async function () {
      const f = await deployKeel();
      const signers = await accounts(f, 2 * pairs);
      const makers = signers.slice(0, pairs);
      const takers = signers.slice(pairs);
      const gasUsed = await measureAfterSetup(
        f,
        await pairFills(f, makers, takers, 1n),
        await pairFills(f, makers, takers, 2n),
      );
      check(`${pairs} pair${pairs === 1 ? "" : "s"}`, pairs, gasUsed);
    });
  }

  it("one maker against 50 takers", async function () {
    const f = await deployKeel();
    const [maker, ...takers] = await accounts(f, 51);
    const gasUsed = await measureAfterSetup(
      f,
      await makerFills(f, maker, takers, 1n),
      await makerFills(f, maker, takers, 2n),
    );
    check("1 maker vs 50 takers", 50, gasUsed);
  });
});
