import path from "node:path";
import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";
import "hardhat-deploy";
import "hardhat-contract-sizer";
import { revertRecorderMochaOptions } from "./test/fixtures/revertRecorder";

/** The compiler version every contract is built with; the npm `solc` package must match it (DESIGN §12). */
const SOLC_VERSION = "0.8.30";

// No compiler download is possible here: build with the solc-js shipped in the npm `solc` package.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { version(): string };
  return {
    compilerPath: path.join(path.dirname(require.resolve("solc")), "soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: solc.version().replace(".Emscripten.clang", ""),
  };
});

const deployerKey = process.env.DEPLOYER_PRIVATE_KEY;
const accounts = deployerKey ? [deployerKey] : [];

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 1_000 },
      viaIR: false,
    },
  },
  networks: {
    hardhat: {
      hardfork: "cancun",
      chainId: 31337,
    },
    localhost: {
      url: process.env.LOCALHOST_RPC_URL ?? "http://127.0.0.1:8545",
    },
    hyperevmTestnet: {
      url: process.env.HYPEREVM_TESTNET_RPC_URL ?? "https://rpc.hyperliquid-testnet.xyz/evm",
      chainId: 998,
      accounts,
    },
    hyperevm: {
      url: process.env.HYPEREVM_RPC_URL ?? "https://rpc.hyperliquid.xyz/evm",
      chainId: 999,
      accounts,
    },
  },
  namedAccounts: {
    deployer: { default: 0 },
    // Local vault accounts of the protocol; live networks name them with KEEL_FEE_RECIPIENT / KEEL_INSURANCE_FUND.
    feeRecipient: { default: 18 },
  },
  paths: {
    sources: "contracts",
    tests: "test",
    deploy: "deploy/steps",
    deployments: "deploy/deployments",
  },
  typechain: {
    outDir: "keepers/sdk/typechain",
    target: "ethers-v6",
  },
  contractSizer: {
    runOnCompile: false,
    strict: true,
    only: ["^contracts/(?!mocks/)"],
  },
  gasReporter: {
    enabled: process.env.REPORT_GAS === "true",
  },
  mocha: {
    timeout: 120_000,
    // Records every revert of the run (cache/revert-record.json) for `npm run errors:coverage`.
    ...revertRecorderMochaOptions(),
  },
};

export default config;
