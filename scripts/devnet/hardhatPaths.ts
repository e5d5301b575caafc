/** Shared between the devnet and its Hardhat configuration (which must not import the devnet's modules). */

/** The environment variable naming the hardhat-deploy records folder of a devnet (absolute path). */
export const DEVNET_DEPLOYMENTS_ENV = "KEEL_DEVNET_DEPLOYMENTS_DIR";
