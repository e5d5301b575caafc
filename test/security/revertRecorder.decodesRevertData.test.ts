/**
 * The decoder names every kind of revert data: a Keel custom error and an OpenZeppelin one from the artifacts, the
 * compiler's Panic(uint256), Error(string), empty data, and data it does not know.
 */
import { expect } from "chai";
import path from "node:path";
import { AbiCoder, id } from "ethers";
import { config } from "hardhat";
import { ERROR_STRING_SELECTOR, PANIC_SELECTOR, RevertDecoder, extractRevertData } from "../fixtures/revertDecoder";

const abi = AbiCoder.defaultAbiCoder();
const selectorOf = (signature: string) => id(signature).slice(0, 10);

describe("revert decoder", function () {
  const decoder = RevertDecoder.fromArtifactsDir(path.resolve(config.paths.artifacts));

  it("has the standard selectors of Panic(uint256) and Error(string)", function () {
    expect(PANIC_SELECTOR).to.equal(selectorOf("Panic(uint256)"));
    expect(ERROR_STRING_SELECTOR).to.equal(selectorOf("Error(string)"));
  });

  it("names a Keel custom error, with or without arguments", function () {
    expect(decoder.decode(selectorOf("VaultZeroAmount()"))).to.deep.equal({
      kind: "custom",
      selector: "0xa3e24d66",
      name: "VaultZeroAmount",
      signature: "VaultZeroAmount()",
    });
    const args = abi.encode(["uint64", "uint64"], [3, 4]).slice(2);
    expect(decoder.decode(`${selectorOf("BatchIdMismatch(uint64,uint64)")}${args}`)).to.include({
      kind: "custom",
      name: "BatchIdMismatch",
    });
  });

  it("names the OpenZeppelin errors Keel contracts inherit", function () {
    for (const signature of [
      "AccessControlUnauthorizedAccount(address,bytes32)",
      "ReentrancyGuardReentrantCall()",
      "EnforcedPause()",
      "ERC20InsufficientBalance(address,uint256,uint256)",
    ]) {
      expect(decoder.decode(selectorOf(signature)), signature).to.include({ kind: "custom", signature });
    }
  });

  it("decodes Panic(0x11) with its meaning", function () {
    const data = `${PANIC_SELECTOR}${abi.encode(["uint256"], [0x11]).slice(2)}`;
    expect(decoder.decode(data)).to.deep.equal({
      kind: "panic",
      code: "0x11",
      reason: "arithmetic overflow or underflow outside an unchecked block",
    });
  });

  it("decodes Error(string) to its message", function () {
    const data = `${ERROR_STRING_SELECTOR}${abi.encode(["string"], ["insufficient allowance"]).slice(2)}`;
    expect(decoder.decode(data)).to.deep.equal({ kind: "string", message: "insufficient allowance" });
  });

  it("reports a selector no artifact declares, short data and malformed payloads as unknown", function () {
    expect(decoder.decode("0xdeadbeef")).to.deep.equal({ kind: "unknown", selector: "0xdeadbeef" });
    expect(decoder.decode("0xdead")).to.deep.equal({ kind: "unknown", selector: "0xdead" });
    expect(decoder.decode(`${PANIC_SELECTOR}00`)).to.deep.equal({ kind: "unknown", selector: PANIC_SELECTOR });
    expect(decoder.decode(`${ERROR_STRING_SELECTOR}`)).to.deep.equal({
      kind: "unknown",
      selector: ERROR_STRING_SELECTOR,
    });
  });

  it("reports empty data as an empty revert and rejects data that is not hex", function () {
    expect(decoder.decode("0x")).to.deep.equal({ kind: "empty" });
    expect(() => decoder.decode("0x123")).to.throw(TypeError, /whole bytes/);
    expect(() => decoder.decode("deadbeef")).to.throw(TypeError);
  });

  it("finds the revert data on the errors providers throw", function () {
    expect(extractRevertData({ message: "reverted", data: "0xdeadbeef" })).to.equal("0xdeadbeef");
    expect(extractRevertData({ error: { code: 3, data: "0x01020304" } })).to.equal("0x01020304");
    expect(extractRevertData({ data: { data: "0x0a0b0c0d" } })).to.equal("0x0a0b0c0d");
    expect(extractRevertData(new Error("wrapped", { cause: { data: "0x" } }))).to.equal("0x");
    expect(extractRevertData(new Error("nonce too low"))).to.equal(undefined);
    expect(extractRevertData({ data: "not hex" })).to.equal(undefined);
  });
});
