/** The environment the devnet's children start from: the devnet's own, without settings that would fight its own. */

/** `KEEL_*` variables a child inherits from the devnet's environment (data lookup and log level). */
export const INHERITED_KEEL_VARIABLES: ReadonlySet<string> = new Set([
  "KEEL_DATA_DIR",
  "KEEL_DATA_CACHE",
  "KEEL_LOG_LEVEL",
]);

/** Variables of `hardhat.config.ts` the devnet sets itself (or must not pass: a live deployer key). */
const HARDHAT_VARIABLES = ["LOCALHOST_RPC_URL", "DEPLOYER_PRIVATE_KEY"];

/**
 * `parent` without the `KEEL_*` variables the devnet does not pass on (a stray `KEEL_GATEWAY_PORT`, `KEEL_CONFIG`,
 * `KEEL_DEPLOY_PARAMS` or `KEEL_ORACLE_ROLE` in the operator's shell would otherwise reach a keeper or the deploy and
 * contradict the devnet's own settings) and without the Hardhat variables it sets itself.
 */
export function childBaseEnv(parent: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(parent)) {
    if (name.startsWith("KEEL_") && !INHERITED_KEEL_VARIABLES.has(name)) continue;
    if (HARDHAT_VARIABLES.includes(name)) continue;
    env[name] = value;
  }
  return env;
}
