/**
 * An HTTP JSON-RPC endpoint over a Hardhat runtime's in-process network, so that keepers built for a node (local
 * transaction signing, `eth_sendRawTransaction`, no result cache) run against it unchanged: the demo and the tests use
 * it. The chain outlives every client of the endpoint.
 */
import type { HardhatRuntimeEnvironment, JsonRpcServer } from "hardhat/types";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { JsonRpcProvider, Network } from "ethers";

/** A JSON-RPC endpoint over the in-process Hardhat network. */
export interface RpcEndpoint {
  url: string;
  /** A provider on the endpoint, as a keeper would have (no result cache, polling every 50 ms). */
  provider: JsonRpcProvider;
  close(): Promise<void>;
}

/** Starts an HTTP JSON-RPC server on a free loopback port over `hre.network.provider`. */
export async function startRpcServer(hre: HardhatRuntimeEnvironment): Promise<RpcEndpoint> {
  const server = (await hre.run(TASK_NODE_CREATE_SERVER, {
    hostname: "127.0.0.1",
    port: 0,
    provider: hre.network.provider,
  })) as JsonRpcServer;
  const { port } = await server.listen();
  const url = `http://127.0.0.1:${port}`;
  const chainId = BigInt((await hre.network.provider.send("eth_chainId", [])) as string);
  const network = Network.from(chainId);
  const provider = new JsonRpcProvider(url, network, { staticNetwork: network, pollingInterval: 50, cacheTimeout: -1 });
  return {
    url,
    provider,
    close: async () => {
      provider.destroy();
      await server.close();
    },
  };
}
