/**
 * Every production contract's deployed bytecode stays under 22 KiB: 2 KiB of margin under the EIP-170 limit of
 * 24 KiB, so that a fix never makes a contract undeployable (DESIGN §3). Same check as `scripts/checkSizes.ts`
 * (npm run size:check), read through Hardhat's artifacts of the build this test run compiled.
 */
import { expect } from "chai";
import { artifacts } from "hardhat";
import {
  SIZE_LIMIT_BYTES,
  formatSizeTable,
  measureContractSizes,
  oversized,
  type ArtifactSource,
} from "../../scripts/checkSizes";

describe("contract sizes", function () {
  it("keeps the deployed bytecode of every production contract at or under 22 KiB", async function () {
    const sizes = await measureContractSizes(artifacts as ArtifactSource);

    const names = sizes.map((size) => size.name);
    for (const core of ["PositionManager", "CollateralVault", "MarketRegistry", "OracleRegistry", "InsuranceFund"]) {
      expect(names, `${core} is measured`).to.include(`contracts/${core}.sol:${core}`);
    }
    expect(
      names.filter((name) => name.startsWith("contracts/mocks/")),
      "mocks are not measured",
    ).to.deep.equal([]);
    expect(oversized(sizes), `over ${SIZE_LIMIT_BYTES} bytes:\n${formatSizeTable(sizes)}`).to.deep.equal([]);
  });

  it("flags a contract one byte over the limit and measures link placeholders as 20 bytes", async function () {
    const overByOne = `0x${"00".repeat(SIZE_LIMIT_BYTES + 1)}`;
    const linked = `0x73__$0123456789abcdef0123456789abcdef01$__`;
    const source: ArtifactSource = {
      getAllFullyQualifiedNames: () =>
        Promise.resolve(["contracts/Big.sol:Big", "contracts/Linked.sol:Linked", "contracts/mocks/M.sol:M"]),
      readArtifact: (name) => {
        const [sourceName, contractName] = name.split(":");
        const code = { Big: overByOne, Linked: linked, M: overByOne }[contractName] ?? "0x";
        return Promise.resolve({ sourceName, contractName, deployedBytecode: code });
      },
    };

    const sizes = await measureContractSizes(source);

    expect(sizes.map((s) => [s.name, s.deployedBytes, s.marginBytes])).to.deep.equal([
      ["contracts/Big.sol:Big", SIZE_LIMIT_BYTES + 1, -1],
      ["contracts/Linked.sol:Linked", 21, SIZE_LIMIT_BYTES - 21],
    ]);
    expect(oversized(sizes).map((s) => s.name)).to.deep.equal(["contracts/Big.sol:Big"]);
  });
});
