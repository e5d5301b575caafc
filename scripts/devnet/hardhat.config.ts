/**
 * The Hardhat configuration `npm run devnet` runs `hardhat node` and `hardhat deploy` with: the repository's own
 * configuration (`hardhat.config.ts`) with hardhat-deploy's records moved into the devnet's work dir, so a devnet
 * never reads, resets or overwrites `deploy/deployments/localhost` (and two devnets never share records).
 *
 * The records folder comes from `KEEL_DEVNET_DEPLOYMENTS_DIR` (absolute; the devnet sets it for its children).
 */
import path from "node:path";
import type { HardhatUserConfig } from "hardhat/config";
import base from "../../hardhat.config";
import { DEVNET_DEPLOYMENTS_ENV } from "./hardhatPaths";

const deployments = process.env[DEVNET_DEPLOYMENTS_ENV];
if (!deployments || !path.isAbsolute(deployments)) {
  throw new Error(
    `${DEVNET_DEPLOYMENTS_ENV} must name an absolute folder for the devnet's deployment records ` +
      `(this configuration is run by scripts/devnet.ts; use hardhat.config.ts otherwise)`,
  );
}

const config: HardhatUserConfig = {
  ...base,
  paths: { ...base.paths, root: path.resolve(__dirname, "..", ".."), deployments },
};

export default config;
