/**
 * The end-to-end harness: Keel deployed by the real deploy scripts on the in-process Hardhat network, the matcher
 * keeper (indexer, intake, engine, journal, gateway on loopback) and the settlement pipeline in this process, and
 * traders that sign with the SDK and talk to the gateway over HTTP and WebSocket like any client.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { deployments, ethers } from "hardhat";
import type { Signer } from "ethers";
import pino from "pino";
import { connectKeel } from "../../../keepers/core/deployment";
import { GatewayClient } from "../../../keepers/gateway/client";
import { startMatcher, type RunningMatcher } from "../../../keepers/matcher/keeper";
import { readOrderDomain, signOrder, type Order, type OrderDomain } from "../../../keepers/sdk/orders";
import { Journal } from "../../../keepers/settlement/journal";
import type { SettlementPipeline } from "../../../keepers/settlement/pipeline";
import { pipelineFor, startRpcServer, type RpcEndpoint } from "../settlement/helpers";
import { deployKeel, keelAddresses, type KeelFixture } from "../../fixtures/keel";
import { defaultPrices, fundAll } from "../../contracts/trading/helpers";

/** A running exchange over the Hardhat network. */
export interface Exchange {
  f: KeelFixture;
  matcher: RunningMatcher;
  pipeline: SettlementPipeline;
  client: GatewayClient;
  domain: OrderDomain;
  journalPath: string;
  /** A JSON-RPC endpoint over the in-process network, for keepers that sign transactions locally. */
  rpc: RpcEndpoint;
  /** Settles every journaled fill, then lets the indexer catch up with the chain. */
  settle(): Promise<void>;
  /** Signs `order` with `signer` (the SDK's EIP-712 signing). */
  sign(signer: Signer, order: Order): Promise<{ order: Order; signature: string }>;
  stop(): Promise<void>;
}

/** Deploys Keel, funds `traders`, pushes the default prices and starts the matcher and settlement in-process. */
export async function startExchange(traders: Signer[]): Promise<Exchange> {
  const f = await deployKeel();
  await fundAll(f, traders);
  await defaultPrices(f);
  const logger = pino({ level: process.env.KEEL_TEST_LOG_LEVEL ?? "silent" });
  const contracts = connectKeel(keelAddresses(f), ethers.provider);
  const dir = mkdtempSync(path.join(tmpdir(), "keel-e2e-"));
  const journalPath = path.join(dir, "journal.sqlite");
  const journal = Journal.open(journalPath);
  const matcher = await startMatcher({
    provider: ethers.provider,
    contracts,
    journal,
    fromBlock: 0,
    logger,
    host: "127.0.0.1",
    port: 0,
    pollIntervalMs: 50,
    writeRateLimit: false,
  });
  // The settlement pipeline talks JSON-RPC like a deployed keeper, and signs locally with the matcher's key.
  const rpc = await startRpcServer();
  const pipeline = pipelineFor(f, rpc, journal, { logger });
  const domain = await readOrderDomain(f.pm);
  return {
    f,
    matcher,
    pipeline,
    client: new GatewayClient(matcher.address.url),
    domain,
    journalPath,
    rpc,
    async settle() {
      await pipeline.flush();
      await matcher.indexer.poll();
    },
    async sign(signer, order) {
      return { order, signature: await signOrder(signer, domain, order) };
    },
    async stop() {
      await matcher.stop();
      await rpc.close();
      journal.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fresh signers that hold nothing (Hardhat accounts past the fixture's named ones). */
export async function traders(n: number, from = 5): Promise<Signer[]> {
  return (await ethers.getSigners()).slice(from, from + n);
}

export { deployments };
