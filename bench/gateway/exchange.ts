/**
 * The exchange the gateway suite measures: Keel deployed by the real deploy scripts on the in-process Hardhat network,
 * the real matcher keeper (indexer, intake with signature checks, engine, SQLite journal) and settlement pipeline
 * (the end-to-end harness of test/keepers/e2e), plus funded trader wallets that sign locally, and a second gateway over
 * the same matcher service whose WebSocket message rate is unlimited (the default 20/s would cap a ping benchmark).
 */
import type { HDNodeWallet } from "ethers";
import { ethers } from "hardhat";
import pino from "pino";
import { createGateway, type Gateway, type GatewayAddress } from "../../keepers/gateway/server";
import { fund, usdc } from "../../test/fixtures/keel";
import { defaultPrices } from "../../test/contracts/trading/helpers";
import { startExchange, type Exchange } from "../../test/keepers/e2e/helpers";

/** A running exchange with funded wallets and an unthrottled gateway. */
export interface BenchExchange {
  ex: Exchange;
  /** Traders with 100,000 USDC in the vault each; they sign orders locally. */
  wallets: HDNodeWallet[];
  /** The unthrottled gateway (HTTP and WebSocket) over `ex.matcher.service`. */
  address: GatewayAddress;
  /** Pushes fresh BTC-USD and event prices (a block each) and lets the indexer see them. */
  refreshPrices(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the exchange and funds `walletCount` fresh wallets (ETH for gas, USDC deposited). */
export async function startBenchExchange(walletCount: number): Promise<BenchExchange> {
  const ex = await startExchange([]);
  const wallets: HDNodeWallet[] = [];
  for (let i = 0; i < walletCount; i++) {
    const wallet = ethers.Wallet.createRandom().connect(ethers.provider);
    await (await ex.f.deployer.sendTransaction({ to: wallet.address, value: ethers.parseEther("1") })).wait();
    await fund(ex.f, wallet as never, usdc(100_000));
    wallets.push(wallet);
  }
  const refreshPrices = async (): Promise<void> => {
    await defaultPrices(ex.f);
    await ex.matcher.indexer.poll();
  };
  await refreshPrices();
  const gateway: Gateway = createGateway(ex.matcher.service, {
    host: "127.0.0.1",
    port: 0,
    logger: pino({ level: "silent" }),
    heartbeatIntervalMs: 0,
    writeRateLimit: false,
    wsMessageRate: { perSecond: 1e9, burst: 1e9 },
  });
  const address = await gateway.listen();
  return {
    ex,
    wallets,
    address,
    refreshPrices,
    async stop() {
      await gateway.close();
      await ex.stop();
    },
  };
}
