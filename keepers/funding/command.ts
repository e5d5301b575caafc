/**
 * `keel-keeper funding`: the funding keeper's command line (DESIGN §7, §10). It follows the chain with a
 * {@link ChainIndexer} (market status, kind, funding parameters, last pushed index), samples the premium from the
 * matcher gateway every 5 s and applies funding at each interval boundary with a FUNDING_ROLE key.
 */
import type { Command } from "commander";
import { z } from "zod";
import { baseConfigSchema, wadSchema } from "../core/config";
import { runKeeper, signerOf, withKeeperOptions } from "../core/runtime";
import { GatewayClient } from "../gateway/client";
import { ChainIndexer } from "../indexer/indexer";
import { DEFAULT_ASSET_IMPACT_NOTIONAL_WAD, DEFAULT_BOUNDED_IMPACT_NOTIONAL_WAD, FundingKeeper } from "./keeper";
import { createFundingMetrics } from "./metrics";
import { MINUTE_MS, PREMIUM_SAMPLE_INTERVAL_MS } from "./sampler";
import { chainTimeEstimator } from "../core/chainSupport";

/** The funding keeper's configuration: the shared fields plus the gateway, impact notionals and sampling period. */
export const fundingConfigSchema = baseConfigSchema.extend({
  /** The matcher gateway (impact bid and ask). */
  gatewayUrl: z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:8080"),
  /** Impact notional of ASSET markets (USD, wad; default 20,000 USD). */
  assetImpactNotionalWad: wadSchema.default(DEFAULT_ASSET_IMPACT_NOTIONAL_WAD),
  /** Impact notional of BOUNDED markets (USD, wad; default 1,000 USD). */
  boundedImpactNotionalWad: wadSchema.default(DEFAULT_BOUNDED_IMPACT_NOTIONAL_WAD),
  /** Per-market impact notionals (USD, wad) by market id, e.g. `{"1": "50000000000000000000000"}`. */
  impactNotionalByMarket: z.record(z.string().regex(/^\d+$/, "expected a market id"), wadSchema).default({}),
  /** Only these market ids (default: every Active or Resolving market). */
  marketIds: z.array(z.number().int().positive()).optional(),
  /** Premium sampling period (ms; default 5,000, Hyperliquid's); must divide one minute. */
  sampleIntervalMs: z
    .number()
    .int()
    .positive()
    .refine((ms) => MINUTE_MS % ms === 0, "must divide 60,000 (one minute) evenly")
    .default(PREMIUM_SAMPLE_INTERVAL_MS),
});

/** The parsed configuration of `keel-keeper funding`. */
export type FundingConfig = z.output<typeof fundingConfigSchema>;

/** Adds `funding` to the `keel-keeper` program. */
export function registerFundingCommand(program: Command): Command {
  return withKeeperOptions(
    program
      .command("funding")
      .description("sample the premium every 5 s and apply funding once per interval (FUNDING_ROLE key)")
      .option("--gateway-url <url>", "matcher gateway (KEEL_GATEWAY_URL, default http://127.0.0.1:8080)")
      .addHelpText(
        "after",
        "\nThe key comes from KEEL_PRIVATE_KEY only. Impact notionals: assetImpactNotionalWad, boundedImpactNotionalWad,\n" +
          "impactNotionalByMarket (wad strings) in the config file or KEEL_<NAME>; flags win, then env, then the file.\n",
      )
      .action(async (flags: Record<string, unknown>) => {
        process.exitCode = await runKeeper({
          name: "funding",
          schema: fundingConfigSchema,
          flags,
          needsSigner: true,
          async start(ctx) {
            const { signer, sender } = signerOf(ctx);
            const { config, logger, provider, contracts } = ctx;
            const indexer = new ChainIndexer({
              provider,
              contracts,
              fromBlock: ctx.deploymentBlock,
              logger,
              pollIntervalMs: config.pollIntervalMs,
            });
            await indexer.rebuild();
            const keeper = new FundingKeeper({
              gateway: new GatewayClient(config.gatewayUrl),
              indexer,
              positionManager: contracts.positionManager,
              oracleRegistry: contracts.oracleRegistry,
              sender,
              chainTimeSec: chainTimeEstimator(provider),
              logger,
              metrics: createFundingMetrics(ctx.metrics),
              impactNotionals: {
                assetWad: config.assetImpactNotionalWad,
                boundedWad: config.boundedImpactNotionalWad,
                byMarket: Object.fromEntries(
                  Object.entries(config.impactNotionalByMarket).map(([id, wad]) => [Number(id), wad]),
                ),
              },
              marketIds: config.marketIds,
              sampleIntervalMs: config.sampleIntervalMs,
            });
            const signal = ctx.shutdown.signal;
            const loops = Promise.all([indexer.run(signal), keeper.run(signal)]);
            loops.catch((error: unknown) => {
              logger.fatal({ err: error }, "funding loop stopped unexpectedly: shutting down");
              void ctx.shutdown.trigger("funding loop failed");
            });
            ctx.shutdown.add("stop sampling and funding", () => loops.then(() => undefined));
            logger.info(
              { gateway: config.gatewayUrl, funder: signer.address, markets: [...indexer.markets.keys()] },
              "funding keeper started",
            );
            return {
              health: () => {
                const status = keeper.status();
                const failing = Object.keys(status.failing).length > 0;
                return {
                  status: failing || indexer.lastProcessedBlock < 0 ? "degraded" : "ok",
                  lastProcessedBlock: indexer.lastProcessedBlock,
                  ...status,
                };
              },
            };
          },
        });
      }),
  );
}
