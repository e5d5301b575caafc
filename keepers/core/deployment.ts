/**
 * Where Keel lives on a network: the contract addresses hardhat-deploy recorded in
 * `<deploymentsDir>/<network>/<Name>.json`, and typed (TypeChain) handles on them.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { getAddress, isAddress, type ContractRunner } from "ethers";
import {
  CollateralVault__factory,
  HyperCorePriceSource__factory,
  IERC20Metadata__factory,
  InsuranceFund__factory,
  MarketRegistry__factory,
  OracleRegistry__factory,
  PositionManager__factory,
  type CollateralVault,
  type HyperCorePriceSource,
  type IERC20Metadata,
  type InsuranceFund,
  type MarketRegistry,
  type OracleRegistry,
  type PositionManager,
} from "../sdk/typechain";

/** The deployment names (hardhat-deploy file names without `.json`) every keeper may need. */
export const KEEL_CONTRACTS = [
  "PositionManager",
  "CollateralVault",
  "MarketRegistry",
  "OracleRegistry",
  "InsuranceFund",
  "CollateralToken",
  "HyperCorePriceSource",
] as const;

/** One of {@link KEEL_CONTRACTS}. */
export type KeelContractName = (typeof KEEL_CONTRACTS)[number];

/** Checksummed addresses of Keel's contracts, by deployment name. */
export type KeelAddresses = Record<KeelContractName, string>;

/** A network's Keel deployment. */
export interface KeelDeployment {
  /** The chain id hardhat-deploy recorded (`.chainId`), when the file exists. */
  chainId?: number;
  /** The contracts' addresses. */
  addresses: KeelAddresses;
}

/** Thrown when a deployment is missing or unreadable; the message lists every missing file and how to deploy. */
export class DeploymentError extends Error {
  override readonly name = "DeploymentError";
}

/**
 * Reads the addresses of Keel's contracts from hardhat-deploy's files `<deploymentsDir>/<network>/<Name>.json`
 * (their `address` field) and the chain id from `<deploymentsDir>/<network>/.chainId`. A relative `deploymentsDir`
 * is resolved against the working directory.
 *
 * @throws DeploymentError naming every missing or malformed file, with the command that deploys (for example
 *   `npm run deploy:localhost`, with `npm run node` running).
 */
export function loadDeployment(deploymentsDir: string, network: string): KeelDeployment {
  const folder = path.resolve(deploymentsDir, network);
  const problems: string[] = [];
  const addresses: Partial<KeelAddresses> = {};
  for (const name of KEEL_CONTRACTS) {
    const file = path.join(folder, `${name}.json`);
    if (!existsSync(file)) {
      problems.push(`${name}: ${file} does not exist`);
      continue;
    }
    try {
      const { address } = JSON.parse(readFileSync(file, "utf8")) as { address?: unknown };
      if (typeof address !== "string" || !isAddress(address))
        throw new Error(`"address" is ${JSON.stringify(address)}`);
      addresses[name] = getAddress(address);
    } catch (error) {
      problems.push(`${name}: ${file} is not a hardhat-deploy file with an address (${(error as Error).message})`);
    }
  }
  if (problems.length > 0) {
    throw new DeploymentError(
      `Keel is not (completely) deployed on network "${network}" in ${path.resolve(deploymentsDir)}:\n` +
        problems.map((p) => `  - ${p}`).join("\n") +
        `\nDeploy it with \`npx hardhat deploy --network ${network}\`` +
        (network === "localhost" ? " (`npm run deploy:localhost`, with `npm run node` running)" : "") +
        ", or point KEEL_DEPLOYMENTS_DIR / KEEL_NETWORK at an existing deployment.",
    );
  }
  const chainIdFile = path.join(folder, ".chainId");
  const chainId = existsSync(chainIdFile) ? Number(readFileSync(chainIdFile, "utf8").trim()) : undefined;
  return { chainId: Number.isSafeInteger(chainId) ? chainId : undefined, addresses: addresses as KeelAddresses };
}

/** Typed handles on Keel's contracts. */
export interface KeelContracts {
  positionManager: PositionManager;
  collateralVault: CollateralVault;
  marketRegistry: MarketRegistry;
  oracleRegistry: OracleRegistry;
  insuranceFund: InsuranceFund;
  /** The collateral token (USDC; MockUSDC on local networks), through its ERC-20 metadata interface. */
  collateralToken: IERC20Metadata;
  hyperCorePriceSource: HyperCorePriceSource;
}

/**
 * TypeChain contracts at `addresses`, bound to `runner` (a provider for reads, a signer to send). Makes no RPC call.
 * @example
 * const keel = connectKeel(loadDeployment(config.deploymentsDir, config.network).addresses, provider);
 * const nextBatchId = await keel.positionManager.nextBatchId();
 */
export function connectKeel(addresses: KeelAddresses, runner: ContractRunner | null): KeelContracts {
  return {
    positionManager: PositionManager__factory.connect(addresses.PositionManager, runner),
    collateralVault: CollateralVault__factory.connect(addresses.CollateralVault, runner),
    marketRegistry: MarketRegistry__factory.connect(addresses.MarketRegistry, runner),
    oracleRegistry: OracleRegistry__factory.connect(addresses.OracleRegistry, runner),
    insuranceFund: InsuranceFund__factory.connect(addresses.InsuranceFund, runner),
    collateralToken: IERC20Metadata__factory.connect(addresses.CollateralToken, runner),
    hyperCorePriceSource: HyperCorePriceSource__factory.connect(addresses.HyperCorePriceSource, runner),
  };
}
