/**
 * Invariant 1 fails on tokens sent to the vault without a deposit: the vault credits them to nobody
 * (ICollateralVault: they show as `surplusWad`), so its holdings no longer equal all claims to the wei. Nothing else
 * changes, so the other four still pass. It also fails when the accounts it sums leave one out: the vault's
 * aggregates then differ from the sum of their parts.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { checkInvariants, VAULT_CLAIMS_INVARIANT } from "../../../../keepers/demo/invariants";
import { usdc } from "../../../fixtures/keel";
import { expectVerdicts, resultOf, settledRun } from "./helpers";

describe("checkInvariants: vault balance equals all claims", function () {
  it("fails with the surplus in wei when 7 USDC are sent straight to the vault", async function () {
    const { f, input } = await settledRun();
    await f.usdc.mint(f.outsider.address, usdc(7));
    await f.usdc.connect(f.outsider).transfer(await f.vault.getAddress(), usdc(7));

    const results = await checkInvariants(input);

    expectVerdicts(results, [VAULT_CLAIMS_INVARIANT]);
    expect(resultOf(results, VAULT_CLAIMS_INVARIANT).detail)
      .to.contain("holds 7.00 USD more than all claims (7000000000000000000 wei)")
      .and.contain("credited to nobody");
  });

  it("fails naming the aggregate that no longer equals its parts when an account is left out", async function () {
    const { dave, input } = await settledRun();
    const head = await ethers.provider.getBlockNumber();
    // Past the head no event names anyone, so the accounts are exactly the ones listed: dave (100,000 USDC) is not.
    const accounts = input.accounts.filter((a) => a !== dave.address);
    expect(accounts).to.have.length(input.accounts.length - 1);

    const results = await checkInvariants({ ...input, accounts, fromBlock: head + 1 });

    expect(resultOf(results, VAULT_CLAIMS_INVARIANT).pass).to.equal(false);
    expect(resultOf(results, VAULT_CLAIMS_INVARIANT).detail)
      .to.match(/totalCreditWad [\d,.]+ USD ≠ Σ over \d+ accounts/)
      .and.contain("an account is missing from the list");
  });
});
