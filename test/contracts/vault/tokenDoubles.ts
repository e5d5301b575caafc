/**
 * Misbehaving collateral tokens for the vault tests, put in place of the fixture's MockUSDC with `hardhat_setCode`
 * (the vault's token address is immutable; the fixture's snapshot restores the real code for the next test). Raw
 * runtime bytecode, so that no test contract has to ship with the protocol.
 */
import { network } from "hardhat";
import type { KeelFixture } from "../../fixtures/keel";

/** Every call returns 32 zero bytes: `balanceOf` is 0, `transfer` and `transferFrom` return false. */
const FALSE_RETURNING_TOKEN = "0x60205ff3"; // PUSH1 32, PUSH0, RETURN

/**
 * `balanceOf` returns 0; any other call (`transfer`, `transferFrom`) calls `deposit(1)` on the vault and bubbles its
 * revert, or returns true. Byte offsets on the left; the jump targets are 0x44 (ok) and 0x4d (balanceOf).
 */
function reentrantToken(vault: string): string {
  return [
    "5f35", //              00 PUSH0 CALLDATALOAD
    "60e01c", //            02 PUSH1 0xe0 SHR                      -> selector
    "6370a08231", //        05 PUSH4 balanceOf(address)
    "14604d57", //          0a EQ PUSH1 0x4d JUMPI
    "63b6b55f25", //        0e PUSH4 deposit(uint256)
    "60e01b5f52", //        13 PUSH1 0xe0 SHL PUSH0 MSTORE          mem[0..4] = selector
    "6001600452", //        18 PUSH1 1 PUSH1 4 MSTORE               mem[4..36] = 1
    "5f5f60245f5f", //      1d retSize retOffset argsSize argsOffset value
    `73${vault.slice(2).toLowerCase()}`, // 23 PUSH20 vault
    "5af1", //              38 GAS CALL
    "604457", //            3a PUSH1 0x44 JUMPI
    "3d5f5f3e3d5ffd", //    3d bubble the revert data
    "5b60015f5260205ff3", // 44 JUMPDEST: return true
    "5b60205ff3", //        4d JUMPDEST: return 0
  ].join("");
}

async function replaceTokenCode(f: KeelFixture, code: string): Promise<void> {
  await network.provider.request({ method: "hardhat_setCode", params: [await f.usdc.getAddress(), `0x${code}`] });
}

/** Makes the collateral token return false from `transfer` and `transferFrom` instead of reverting. */
export async function useFalseReturningToken(f: KeelFixture): Promise<void> {
  await replaceTokenCode(f, FALSE_RETURNING_TOKEN.slice(2));
}

/** Makes the collateral token call back into `vault.deposit(1)` from `transfer` and `transferFrom`. */
export async function useReentrantToken(f: KeelFixture): Promise<void> {
  await replaceTokenCode(f, reentrantToken(await f.vault.getAddress()));
}
