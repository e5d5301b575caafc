/**
 * The gas suite runs end to end in smoke mode and reports every figure as a positive number under the "gas." prefix.
 * No gas bound is asserted here: test/contracts/trading/gasSnapshot.test.ts owns the settlement gas regressions.
 */
import { expect } from "chai";
import { run } from "../../bench/gas";

describe("bench/gas smoke run", function () {
  it("reports every gas figure as a positive number with a gas. id", async function () {
    const figures = await run({ smoke: true, log: () => {} });
    const ids = figures.map((f) => f.id);
    expect(new Set(ids).size, "ids are unique").to.equal(ids.length);
    for (const id of [
      "gas.settleBatch.pair.1",
      "gas.settleBatch.pair.2",
      "gas.settleBatch.makerFill.2",
      "gas.settleBatch.fillsPerBlock",
      "gas.deposit.first",
      "gas.withdrawal.request",
      "gas.withdrawal.execute",
      "gas.liquidateOnBook.oneFill",
      "gas.backstopLiquidate",
      "gas.autoDeleverage.oneCounterparty",
      "gas.applyFunding",
      "gas.pushPrices.1market",
      "gas.pushPrices.2markets",
    ]) {
      expect(ids, `figure ${id}`).to.include(id);
    }
    for (const f of figures) {
      expect(f.id, "id prefix").to.match(/^gas\./);
      expect(Number.isFinite(f.value) && f.value > 0, `${f.id} = ${f.value} is a positive number`).to.equal(true);
    }
  });
});
