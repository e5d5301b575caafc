/**
 * Size gate: fails when the deployed bytecode of any production contract exceeds 22 KiB, keeping a 2 KiB margin
 * under the EIP-170 limit (24,576 bytes) so that a small fix never makes a contract undeployable (DESIGN §3).
 *
 * Production contracts are those compiled from `contracts/`, except `contracts/mocks/` (tests only) and
 * `contracts/interfaces/`; artifacts with no deployed code (interfaces, abstract contracts, internal-only
 * libraries) are skipped. The test `test/security/contractSizes.under22KiB.test.ts` runs the same check through
 * Hardhat's `artifacts`.
 *
 * Usage: npx hardhat compile --quiet && npx ts-node --transpile-only scripts/checkSizes.ts
 *   Prints a table (contract, KiB, margin) and exits 1 if a contract is over the limit or nothing was found.
 */
import fs from "node:fs";
import path from "node:path";

/** The size limit of deployed bytecode, in bytes: 22 KiB. */
export const SIZE_LIMIT_BYTES = 22 * 1024;

/** The part of a Hardhat artifact this check reads. */
export interface SizedArtifact {
  /** Source file, relative to the project root, e.g. `contracts/PositionManager.sol`. */
  sourceName: string;
  contractName: string;
  /** Runtime bytecode as 0x-prefixed hex; `"0x"` when the artifact has no code. Link placeholders count as 20 bytes. */
  deployedBytecode: string;
}

/** Reads artifacts; Hardhat's `hre.artifacts` satisfies it, as does {@link readArtifactsFromDisk}. */
export interface ArtifactSource {
  getAllFullyQualifiedNames(): Promise<string[]>;
  readArtifact(fullyQualifiedName: string): Promise<SizedArtifact>;
}

/** The measured size of one production contract. */
export interface ContractSize {
  /** Fully qualified name, `<sourceName>:<contractName>`. */
  name: string;
  /** Deployed (runtime) bytecode length in bytes. */
  deployedBytes: number;
  /** `limitBytes − deployedBytes`: negative when the contract is over the limit. */
  marginBytes: number;
}

/** True for an artifact this gate measures: under `contracts/` but not a mock or an interface. */
export function isProductionSource(sourceName: string): boolean {
  return (
    sourceName.startsWith("contracts/") &&
    !sourceName.startsWith("contracts/mocks/") &&
    !sourceName.startsWith("contracts/interfaces/")
  );
}

/** Length in bytes of 0x-prefixed hex bytecode. */
export function bytecodeLengthBytes(hex: string): number {
  const digits = hex.startsWith("0x") ? hex.length - 2 : hex.length;
  return digits / 2;
}

/**
 * Measures every production contract with deployed code, largest first.
 * @param limitBytes The limit the margin is computed against (default {@link SIZE_LIMIT_BYTES}).
 */
export async function measureContractSizes(
  artifacts: ArtifactSource,
  limitBytes: number = SIZE_LIMIT_BYTES,
): Promise<ContractSize[]> {
  const sizes: ContractSize[] = [];
  for (const fullyQualifiedName of await artifacts.getAllFullyQualifiedNames()) {
    const artifact = await artifacts.readArtifact(fullyQualifiedName);
    if (!isProductionSource(artifact.sourceName)) continue;
    const deployedBytes = bytecodeLengthBytes(artifact.deployedBytecode);
    if (deployedBytes === 0) continue;
    sizes.push({ name: fullyQualifiedName, deployedBytes, marginBytes: limitBytes - deployedBytes });
  }
  return sizes.sort((a, b) => b.deployedBytes - a.deployedBytes);
}

/** The contracts over the limit (negative margin). */
export function oversized(sizes: readonly ContractSize[]): ContractSize[] {
  return sizes.filter((size) => size.marginBytes < 0);
}

/** A fixed-width table: contract, size in KiB, margin in KiB (negative when over the limit). */
export function formatSizeTable(sizes: readonly ContractSize[], limitBytes: number = SIZE_LIMIT_BYTES): string {
  const kib = (bytes: number): string => (bytes / 1024).toFixed(3);
  const width = Math.max("contract".length, ...sizes.map((size) => size.name.length));
  const lines = [`${"contract".padEnd(width)}  ${"KiB".padStart(8)}  ${"margin KiB".padStart(10)}`];
  for (const size of sizes) {
    const flag = size.marginBytes < 0 ? "  OVER LIMIT" : "";
    lines.push(
      `${size.name.padEnd(width)}  ${kib(size.deployedBytes).padStart(8)}  ${kib(size.marginBytes).padStart(10)}${flag}`,
    );
  }
  lines.push(`limit ${kib(limitBytes)} KiB (${limitBytes} bytes) of deployed bytecode`);
  return lines.join("\n");
}

/**
 * Reads Hardhat artifacts from `<artifactsDir>/contracts/**` without starting Hardhat.
 * @throws Error when the folder is missing (the project was not compiled).
 */
export function readArtifactsFromDisk(artifactsDir: string): ArtifactSource {
  const root = path.join(artifactsDir, "contracts");
  if (!fs.existsSync(root)) {
    throw new Error(`No artifacts under ${root}: run \`npx hardhat compile\` first`);
  }
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".json") && !entry.name.endsWith(".dbg.json")) {
        const artifact = JSON.parse(fs.readFileSync(full, "utf8")) as SizedArtifact;
        files.set(`${artifact.sourceName}:${artifact.contractName}`, full);
      }
    }
  };
  walk(root);
  return {
    getAllFullyQualifiedNames: () => Promise.resolve([...files.keys()]),
    readArtifact: (name) => {
      const file = files.get(name);
      if (file === undefined) return Promise.reject(new Error(`No artifact named ${name} under ${root}`));
      return Promise.resolve(JSON.parse(fs.readFileSync(file, "utf8")) as SizedArtifact);
    },
  };
}

async function main(): Promise<void> {
  const sizes = await measureContractSizes(readArtifactsFromDisk(path.resolve(__dirname, "..", "artifacts")));
  if (sizes.length === 0) throw new Error("No production contract with deployed code found: compile first");
  console.log(formatSizeTable(sizes));
  const over = oversized(sizes);
  if (over.length > 0) {
    console.error(`${over.length} contract(s) over ${SIZE_LIMIT_BYTES} bytes: ${over.map((s) => s.name).join(", ")}`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
