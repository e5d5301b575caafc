/**
 * Gas of settleBatch (DESIGN §11), compared against the committed snapshot test/contracts/trading/gas-snapshot.json:
 * a scenario fails when its transaction gas grows more than 5% over the snapshot. `UPDATE_GAS_SNAPSHOT=1` rewrites
 * the snapshot with the figures measured instead of comparing.
 *
 * Every scenario is the realistic steady state (gasScenarios.ts, shared with bench/gas.ts): distinct accounts that
 * already hold positions (opened in a setup batch) trade fresh orders whose nonces follow their previous ones (1, then
 * 2), so each nonce bit lands in a bitmap word that is already non-zero. Targets (§11): ≤ 45,000 gas per matched pair
 * in a batch of 50, ≤ 30,000 per fill of one maker against many takers.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { deployKeel, useSolvencyInvariant } from "../../fixtures/keel";
import { makerBatchGas, pairBatchGas } from "./gasScenarios";

const SNAPSHOT_FILE = path.join(__dirname, "gas-snapshot.json");
const UPDATE = process.env.UPDATE_GAS_SNAPSHOT === "1";
/** Allowed growth over the snapshot before a scenario fails. */
const TOLERANCE_PERCENT = 5n;

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
      const gasUsed = await pairBatchGas(await deployKeel(), pairs);
      check(`${pairs} pair${pairs === 1 ? "" : "s"}`, pairs, gasUsed);
    });
  }

  it("one maker against 50 takers", async function () {
    const gasUsed = await makerBatchGas(await deployKeel(), 50);
    check("1 maker vs 50 takers", 50, gasUsed);
  });
});
