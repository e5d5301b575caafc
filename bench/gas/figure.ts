/**
 * Small shared pieces of the gas suite: the gas of a sent transaction (from its receipt) and the shape of a figure.
 */
import type { ContractTransactionResponse } from "ethers";
import type { BenchFigure, BenchTarget } from "../figures";

/** The gas a sent transaction used, read from its receipt (throws if the node returned none). */
export async function gasOf(tx: ContractTransactionResponse | Promise<ContractTransactionResponse>): Promise<number> {
  const sent = await tx;
  const receipt = await sent.wait();
  if (!receipt) throw new Error(`no receipt for transaction ${sent.hash}: is the Hardhat network mining?`);
  return Number(receipt.gasUsed);
}

/** A gas figure (unit "gas" unless given) with id `gas.<id>`. */
export function gasFigure(
  id: string,
  label: string,
  value: number,
  note: string,
  options: { unit?: string; target?: BenchTarget } = {},
): BenchFigure {
  return {
    id: `gas.${id}`,
    label,
    value,
    unit: options.unit ?? "gas",
    note,
    ...(options.target && { target: options.target }),
  };
}
