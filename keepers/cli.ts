#!/usr/bin/env node
/**
 * `keel-keeper`: one command line for every Keel keeper (DESIGN §10). Each keeper registers its subcommand;
 * `keel-keeper <name> --help` lists its options.
 */
import { Command } from "commander";
import { registerFundingCommand } from "./funding/command";
import { registerAdlCommand, registerLiquidatorCommand, registerUnwindCommand } from "./liquidator/command";
import { registerMatcherCommand } from "./matcher/command";
import { registerOracleCommand } from "./oracle/command";
import { SettlementConfigError, registerSettlementCommand } from "./settlement/command";

const program = new Command()
  .name("keel-keeper")
  .description("Keel keepers: off-chain services of the Keel perpetual-futures exchange")
  .showHelpAfterError();

registerMatcherCommand(program);
registerSettlementCommand(program);
registerOracleCommand(program);
registerFundingCommand(program);
registerLiquidatorCommand(program);
registerAdlCommand(program);
registerUnwindCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  const detail = error instanceof SettlementConfigError ? error.message : error instanceof Error ? error.stack : error;
  process.stderr.write(`keel-keeper: ${String(detail)}\n`);
  process.exitCode = 1;
});
