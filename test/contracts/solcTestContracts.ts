/**
 * Hostile test contracts (attackers, misbehaving wallets) compiled at test time with the npm `solc` the project builds
 * with, so that no attacker ships in contracts/. Each source is compiled once per process.
 */
import { ethers } from "hardhat";
import solc from "solc";
import type { BaseContract, Signer } from "ethers";

/** ABI and creation bytecode of one compiled contract. */
export interface CompiledContract {
  abi: unknown[];
  bytecode: string;
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
}

const cache = new Map<string, CompiledContract>();

/**
 * Compiles `source` (Solidity 0.8.30, Cancun) and returns the contract named `contractName`.
 * @throws Error listing the compiler's errors when the source does not compile.
 */
export function compileTestContract(contractName: string, source: string): CompiledContract {
  const cached = cache.get(source);
  if (cached) return cached;
  const input = {
    language: "Solidity",
    sources: { [`${contractName}.sol`]: { content: source } },
    settings: { evmVersion: "cancun", outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const output = JSON.parse((solc.compile as (json: string) => string)(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) {
    throw new Error(`${contractName} does not compile:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  }
  const artifact = output.contracts?.[`${contractName}.sol`]?.[contractName];
  if (!artifact) throw new Error(`${contractName}.sol has no contract named ${contractName}`);
  const compiled = { abi: artifact.abi, bytecode: `0x${artifact.evm.bytecode.object}` };
  cache.set(source, compiled);
  return compiled;
}

/** Compiles and deploys a test contract from `deployer` with constructor `args`; `T` types its methods. */
export async function deployTestContract<T extends BaseContract>(
  contractName: string,
  source: string,
  deployer: Signer,
  args: unknown[] = [],
): Promise<T> {
  const { abi, bytecode } = compileTestContract(contractName, source);
  const contract = await new ethers.ContractFactory(abi as never[], bytecode, deployer).deploy(...args);
  await contract.waitForDeployment();
  return contract as unknown as T;
}
