/**
 * Helpers shared by the CollateralVault tests (one test file per vault action). Built on the Keel fixture.
 */
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ethers } from "hardhat";
import type { Signature } from "ethers";
import type { CollateralVault, MockMarginEngine, MockUSDC } from "../../../keepers/sdk/typechain";
import { fund, type KeelFixture } from "../../fixtures/keel";

/** Makes the next transaction mine `afterSec` seconds after the latest block; returns that block time. */
export async function atNextBlock(afterSec = 1): Promise<bigint> {
  const at = (await time.latest()) + afterSec;
  await time.setNextBlockTimestamp(at);
  return BigInt(at);
}

/** Requests a withdrawal of `amount` as `account`, asserting its exact WithdrawalRequested event; returns `readyAt`. */
export async function requestWithdrawal(
  vault: CollateralVault,
  account: HardhatEthersSigner,
  amount: bigint,
): Promise<bigint> {
  const delay = await vault.withdrawalDelay();
  const amountWad = await vault.toWad(amount);
  const readyAt = (await atNextBlock()) + delay;
  await expect(vault.connect(account).requestWithdrawal(amount))
    .to.emit(vault, "WithdrawalRequested")
    .withArgs(account.address, amount, amountWad, readyAt);
  return readyAt;
}

/** Funds `account` with `deposited` token units and requests a withdrawal of `requested`; returns its `readyAt`. */
export async function fundAndRequest(
  f: KeelFixture,
  account: HardhatEthersSigner,
  deposited: bigint,
  requested: bigint,
): Promise<bigint> {
  await fund(f, account, deposited);
  return requestWithdrawal(f.vault, account, requested);
}

/** A signer that holds no fixture role, to be granted MARGIN_ENGINE_ROLE (the margin engine is a contract later). */
export async function engineSigner(): Promise<HardhatEthersSigner> {
  return (await ethers.getSigners())[5];
}

/** Grants MARGIN_ENGINE_ROLE to a fresh signer (from the admin) and returns the vault connected as that signer. */
export async function asMarginEngine(f: KeelFixture): Promise<CollateralVault> {
  const engine = await engineSigner();
  await f.vault.connect(f.deployer).grantRole(await f.vault.MARGIN_ENGINE_ROLE(), engine.address);
  return f.vault.connect(engine);
}

/** Deploys a MockMarginEngine and makes it the vault's margin engine (from the admin). */
export async function installMockEngine(f: KeelFixture): Promise<MockMarginEngine> {
  const engine = await ethers.deployContract("MockMarginEngine");
  await f.vault.connect(f.deployer).setMarginEngine(await engine.getAddress());
  return engine;
}

/** Signs an EIP-2612 permit of `owner` for `spender`, with the domain the token itself reports (`eip712Domain()`). */
export async function signPermit(
  token: MockUSDC,
  owner: HardhatEthersSigner,
  spender: string,
  value: bigint,
  deadline: bigint,
): Promise<Signature> {
  const [, name, version, chainId, verifyingContract] = await token.eip712Domain();
  const types = {
    Permit: [
      { name: "owner", type: "address" },
      { name: "spender", type: "address" },
      { name: "value", type: "uint256" },
      { name: "nonce", type: "uint256" },
      { name: "deadline", type: "uint256" },
    ],
  };
  const nonce = await token.nonces(owner.address);
  const message = { owner: owner.address, spender, value, nonce, deadline };
  const signature = await owner.signTypedData({ name, version, chainId, verifyingContract }, types, message);
  return ethers.Signature.from(signature);
}

/** A permit deadline one hour after the latest block. */
export async function permitDeadline(): Promise<bigint> {
  return BigInt(await time.latest()) + 3600n;
}

/** Moves `amountWad` from `from` to `to` through `settleBalances` (as a margin engine); `from` may go negative. */
export async function settleTransfer(f: KeelFixture, from: string, to: string, amountWad: bigint): Promise<void> {
  const engine = await asMarginEngine(f);
  await engine.settleBalances([from, to], [-amountWad, amountWad]);
}
