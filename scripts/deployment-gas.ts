/**
 * Deploys Keel on the in-process network with the real deploy steps and reports the gas of every deployment,
 * flagging those above a HyperEVM small block (2,000,000 gas) that must be sent as big blocks.
 *
 * Usage: npx hardhat run scripts/deployment-gas.ts   (writes reports/deployment-gas.json)
 */
import fs from "node:fs";
import path from "node:path";
import { deployments, ethers } from "hardhat";

/** Gas limit of a HyperEVM small block (older docs; newer ones say 3M). */
const SMALL_BLOCK_GAS = 2_000_000n;

async function main(): Promise<void> {
  await deployments.fixture(["Keel"]);
  const rows: { contract: string; gasUsed: string; needsBigBlock: boolean }[] = [];
  for (const [name, deployment] of Object.entries(await deployments.all())) {
    if (!deployment.transactionHash) continue; // saved address, not deployed here
    const receipt = await ethers.provider.getTransactionReceipt(deployment.transactionHash);
    if (!receipt) throw new Error(`No receipt for the deployment of ${name}`);
    rows.push({
      contract: name,
      gasUsed: receipt.gasUsed.toString(),
      needsBigBlock: receipt.gasUsed > SMALL_BLOCK_GAS,
    });
  }
  console.table(rows);
  const out = path.join("reports", "deployment-gas.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ smallBlockGas: SMALL_BLOCK_GAS.toString(), deployments: rows }, null, 2));
  console.log(`written ${out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
