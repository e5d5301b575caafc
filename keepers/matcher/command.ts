/**
 * `keel-keeper matcher`: the order gateway and matching engine (DESIGN §10) as one process. It reads the chain (no
 * key needed), journals every order and fill to the SQLite file it shares with `keel-keeper settlement`, and serves
 * the HTTP and WebSocket API.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { baseConfigSchema } from "../core/config";
import { runKeeper, withKeeperOptions } from "../core/runtime";
import { startMatcher } from "./keeper";

/** The matcher's configuration: the shared fields plus the gateway's address and the journal file. */
export const matcherConfigSchema = baseConfigSchema.extend({
  /** Interface the gateway listens on. */
  gatewayHost: z.string().min(1).default("127.0.0.1"),
  /** Gateway port (HTTP and WebSocket). */
  gatewayPort: z.number().int().min(0).max(65_535).default(8_080),
  /** The SQLite journal shared with the settlement keeper. */
  journal: z.string().min(1).default("data/journal.sqlite"),
});

/** Adds `matcher` to the `keel-keeper` program. */
export function registerMatcherCommand(program: Command): Command {
  return withKeeperOptions(
    program
      .command("matcher")
      .description("order gateway (HTTP + WebSocket) and matching engine; journals orders and fills for settlement")
      .option("--gateway-host <host>", "gateway interface (KEEL_GATEWAY_HOST, default 127.0.0.1)")
      .option("--gateway-port <port>", "gateway port (KEEL_GATEWAY_PORT, default 8080)", Number)
      .option("--journal <path>", "SQLite journal shared with the settlement keeper (KEEL_JOURNAL)")
      .addHelpText(
        "after",
        "\nEvery setting can also come from KEEL_<NAME> or the JSON config file; flags win, then env, then the file.\n",
      )
      .action(async (flags: Record<string, unknown>) => {
        process.exitCode = await runKeeper({
          name: "matcher",
          schema: matcherConfigSchema,
          flags,
          needsSigner: false,
          async start(ctx) {
            mkdirSync(path.dirname(path.resolve(ctx.config.journal)), { recursive: true });
            const matcher = await startMatcher({
              provider: ctx.provider,
              contracts: ctx.contracts,
              journal: ctx.config.journal,
              fromBlock: ctx.deploymentBlock,
              logger: ctx.logger,
              host: ctx.config.gatewayHost,
              port: ctx.config.gatewayPort,
              pollIntervalMs: ctx.config.pollIntervalMs,
            });
            ctx.shutdown.add("stop intake, journal and close the gateway", () => matcher.stop());
            return {
              health: () => ({
                status: matcher.indexer.lastProcessedBlock >= 0 && !matcher.service.journalFailure ? "ok" : "degraded",
                lastProcessedBlock: matcher.indexer.lastProcessedBlock,
                gateway: matcher.address.url,
              }),
            };
          },
        });
      }),
  );
}
