/**
 * Helpers of the revert-recorder tests: a contract that reverts with whatever data it is called with, encoders for
 * each kind of revert data, and a recorder installed on `hre.network.provider` for one describe block.
 */
import { AbiCoder, id } from "ethers";
import hre from "hardhat";
import { PANIC_SELECTOR, ERROR_STRING_SELECTOR, RevertDecoder } from "../fixtures/revertDecoder";
import { RevertRecorder, installRevertRecorder } from "../fixtures/revertRecorder";

/** Where `installRevertEcho` puts the echo contract. */
export const REVERT_ECHO = "0x00000000000000000000000000000000000e0c40";

/** Runtime code: CALLDATASIZE PUSH0 PUSH0 CALLDATACOPY CALLDATASIZE PUSH0 REVERT (reverts with its calldata). */
const REVERT_ECHO_CODE = "0x365f5f37365ffd";

/** Puts the echo contract at `REVERT_ECHO`: a call with data `d` reverts with data `d`. */
export async function installRevertEcho(): Promise<string> {
  await hre.network.provider.request({ method: "hardhat_setCode", params: [REVERT_ECHO, REVERT_ECHO_CODE] });
  return REVERT_ECHO;
}

const abi = AbiCoder.defaultAbiCoder();

/** Revert data of `Panic(code)`. */
export const panicData = (code: number) => `${PANIC_SELECTOR}${abi.encode(["uint256"], [code]).slice(2)}`;
/** Revert data of `Error(message)`. */
export const stringData = (message: string) => `${ERROR_STRING_SELECTOR}${abi.encode(["string"], [message]).slice(2)}`;
/** Revert data of a custom error without arguments, e.g. `customData("VaultZeroAmount()")`. */
export const customData = (signature: string) => id(signature).slice(0, 10);

/**
 * A fresh recorder on `hre.network.provider` for each test of the calling describe block, at the test's site (its full
 * title), removed after the test. Other recorders (the run's own, wired in the Hardhat config) keep recording below it.
 */
export function useRecorder(): { current(): RevertRecorder } {
  const decoder = RevertDecoder.fromArtifactsDir(hre.config.paths.artifacts);
  let recorder: RevertRecorder | undefined;
  let uninstall: (() => void) | undefined;
  beforeEach(function () {
    recorder = new RevertRecorder(decoder);
    recorder.site = { test: this.currentTest?.fullTitle() ?? "(unknown test)" };
    uninstall = installRevertRecorder(hre.network.provider, recorder);
  });
  afterEach(function () {
    uninstall?.();
    uninstall = undefined;
  });
  return {
    current: () => {
      if (!recorder) throw new Error("useRecorder(): no test is running");
      return recorder;
    },
  };
}
