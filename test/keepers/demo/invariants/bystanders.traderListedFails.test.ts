/**
 * Invariant 3 fails when an account listed as never having traded lost money: carol is listed beside the real
 * bystanders with her 100,000 USDC deposit, but she lost on SENATE22-R (resolved at 0) and still holds 0.1 BTC. The
 * chain is as in the clean run, so the other four still pass.
 */
import { expect } from "chai";
import { BYSTANDERS_INVARIANT, checkInvariants } from "../../../../keepers/demo/invariants";
import { expectVerdicts, resultOf, settledRun } from "./helpers";

describe("checkInvariants: no account without positions lost money", function () {
  it("fails naming the listed account that can withdraw less than it put in", async function () {
    const { f, input } = await settledRun();

    const results = await checkInvariants({ ...input, neverTraded: [...input.neverTraded, f.carol.address] });

    expectVerdicts(results, [BYSTANDERS_INVARIANT]);
    const detail = resultOf(results, BYSTANDERS_INVARIANT).detail;
    const carol = `${f.carol.address.slice(0, 6)}…${f.carol.address.slice(-4)}`;
    expect(detail).to.match(new RegExp(`${carol} can withdraw [\\d,.]+ USD .*but put in 100,000.00 USD: lost`));
    expect(detail).to.contain(`${carol} holds a position in market 1: it did trade`);
    expect(detail).to.contain("(of 3 accounts)");
  });

  it("fails when a listed account's net deposit is not given", async function () {
    const { input } = await settledRun();
    const netDepositsWad = new Map(input.netDepositsWad);
    netDepositsWad.delete(input.neverTraded[0]);

    const results = await checkInvariants({ ...input, netDepositsWad });

    expectVerdicts(results, [BYSTANDERS_INVARIANT]);
    expect(resultOf(results, BYSTANDERS_INVARIANT).detail).to.contain("no net deposit given");
  });
});
