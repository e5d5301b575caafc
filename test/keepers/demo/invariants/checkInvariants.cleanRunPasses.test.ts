/**
 * A clean run (helpers.ts: trades, funding, a crash with one auto-deleveraging, the bounded market resolved at 0,
 * every position settled, every claim paid, bystanders with deposits and withdrawals): every invariant passes, and
 * each detail carries the figures behind its verdict.
 */
import { expect } from "chai";
import { checkInvariants } from "../../../../keepers/demo/invariants";
import { expectVaultSolvent } from "../../../fixtures/keel";
import {
  ADL_INVARIANT,
  BOUNDED_MARKET_INVARIANT,
  BYSTANDERS_INVARIANT,
  OPEN_INTEREST_INVARIANT,
  VAULT_CLAIMS_INVARIANT,
} from "../../../../keepers/demo/invariants";
import { expectVerdicts, resultOf, settledRun } from "./helpers";

describe("checkInvariants after a clean run", function () {
  it("passes all five, with the figures in each detail", async function () {
    const run = await settledRun();
    await expectVaultSolvent(run.f.vault); // the contract tests' own check agrees
    const results = await checkInvariants(run.input);
    expectVerdicts(results);

    expect(resultOf(results, VAULT_CLAIMS_INVARIANT).detail).to.contain("difference 0 wei");
    expect(resultOf(results, OPEN_INTEREST_INVARIANT).detail)
      .to.contain("BTC-USD: long 0.1, short 0.1, stored 0.1")
      .and.contain("SENATE22-R: long 0, short 0, stored 0");
    expect(resultOf(results, BYSTANDERS_INVARIANT).detail).to.contain("2 accounts without positions");
    expect(resultOf(results, ADL_INVARIANT).detail).to.match(/^1 ADL round \(1 counterparty close\)/);
    expect(resultOf(results, BOUNDED_MARKET_INVARIANT).detail)
      .to.contain("SENATE22-R Settled at final price 0")
      .and.contain("3 positions settled")
      .and.contain("1 claim paid")
      .and.contain("rounding dust");
  });
});
