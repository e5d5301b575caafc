/**
 * `npm run devnet`: a local Keel network as an operator runs it — `hardhat node` on 127.0.0.1, the real deploy steps
 * (each operational role on its own Hardhat account), and every keeper as its own `keel-keeper` process with its own
 * `/metrics` and `/health` port. Ctrl-C (or SIGTERM) stops the keepers in reverse start order, then the node; a
 * second Ctrl-C kills everything at once. Exit code 0 when everything stopped cleanly, 1 otherwise.
 *
 *   npm run devnet
 *   npm run devnet -- --port 8546 --gateway-port 0 --ops-port 0 --follow
 */
import path from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { REPO_ROOT } from "./devnet/chain";
import { Devnet, type DevnetOptions } from "./devnet/devnet";

/** The command-line options as commander parses them. */
interface CliOptions {
  port: number;
  workDir?: string;
  follow: boolean;
  keepers: boolean;
  gatewayPort: number;
  opsPort: number;
  stopTimeout: number;
}

function port(allowZero: boolean) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < (allowZero ? 0 : 1) || value > 65_535) {
      throw new InvalidArgumentError(`expected a port number (${allowZero ? 0 : 1}–65535)`);
    }
    return value;
  };
}

function positiveSeconds(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError("expected a positive number of seconds");
  return value;
}

/** `.devnet/<UTC timestamp>` in the repository (gitignored). */
function defaultWorkDir(): string {
  return path.join(REPO_ROOT, ".devnet", new Date().toISOString().replace(/[:.]/g, "-"));
}

/** Signals this close to the first one are the same Ctrl-C, not a second one. */
const SAME_SIGNAL_WINDOW_MS = 1_000;

const print = (text: string) => process.stdout.write(`${text}\n`);

async function main(cli: CliOptions): Promise<number> {
  const options: DevnetOptions = {
    port: cli.port,
    workDir: path.resolve(cli.workDir ?? defaultWorkDir()),
    follow: cli.follow,
    keepers: cli.keepers,
    gatewayPort: cli.gatewayPort,
    opsPort: cli.opsPort,
    stopTimeoutMs: cli.stopTimeout * 1000,
  };
  const devnet = new Devnet(options, print);
  const stop = new AbortController();
  let firstSignalMs = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) {
      firstSignalMs = Date.now();
      print(`\n${signal}: stopping the devnet (press Ctrl-C again to kill everything at once)`);
      stop.abort(new Error(`stopped by ${signal}`));
      return;
    }
    // One Ctrl-C can arrive twice: from the terminal and forwarded by `npm run` to its child.
    if (Date.now() - firstSignalMs < SAME_SIGNAL_WINDOW_MS) return;
    print(`\n${signal} again: killing every process now`);
    devnet.killAll();
    process.exit(1);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // The children live in their own process groups (so that Ctrl-C reaches only this process): never leave one behind.
  process.on("exit", () => devnet.killAll());
  return devnet.run(stop.signal);
}

new Command()
  .name("devnet")
  .description(
    "Run a local Keel network: hardhat node on 127.0.0.1, the deploy steps, and every keeper as its own process.\n" +
      "Logs, deployment records, the journal and the oracle config go to the work dir; devnet.json lists every URL.",
  )
  .option("--port <port>", "JSON-RPC port of the hardhat node on 127.0.0.1", port(false), 8545)
  .option("--work-dir <dir>", "empty or new folder for logs and state (default .devnet/<timestamp>)")
  .option("--follow", "also print every process's log lines on the terminal", false)
  .option("--no-keepers", "start the node and deploy only")
  .option("--gateway-port <port>", "matcher gateway port (0: any free port)", port(true), 8080)
  .option(
    "--ops-port <port>",
    "first keeper's /metrics and /health port, the others follow (0: any free)",
    port(true),
    9101,
  )
  .option(
    "--stop-timeout <seconds>",
    "time each process gets to exit after SIGTERM before SIGKILL",
    positiveSeconds,
    20,
  )
  .showHelpAfterError()
  .action(async (cli: CliOptions) => {
    let code: number;
    try {
      code = await main(cli);
    } catch (error) {
      process.stderr.write(`devnet: ${(error as Error).stack ?? String(error)}\n`);
      code = 1;
    }
    // Exit explicitly: idle HTTP keep-alive sockets must not hold the devnet open after everything stopped.
    process.exit(code);
  })
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`devnet: ${String(error)}\n`);
    process.exit(1);
  });
