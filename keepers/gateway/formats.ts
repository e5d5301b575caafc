/**
 * The string formats of Keel's wire (JSON) types: Solidity integers as decimal strings, addresses, 32-byte hashes and
 * signatures. Each format knows how to check a string (range included, so a uint128 field refuses 2^128), how to
 * describe itself in an error message, and how to decode into what the service takes (bigint, checksummed address,
 * lower-case hash). The JSON schemas name them with `format`, which the validator, the OpenAPI document and the
 * client's decoder all read.
 */
import { getAddress, isAddress } from "ethers";

/** Longest signature accepted, in bytes: ERC-1271 signatures of contract accounts can be long. */
export const MAX_SIGNATURE_BYTES = 4096;

/** One wire format. */
export interface WireFormat {
  /** JSON schema `pattern` (anchored). */
  pattern: string;
  /** JSON schema `maxLength`. */
  maxLength: number;
  /** Completes the line "<field> must be …" of an error message. */
  description: string;
  /** Whether a string that already matches `pattern` is valid (range, checksum). */
  check(text: string): boolean;
  /** Turns a valid string into the service's value. */
  decode(text: string): unknown;
}

function uintFormat(bits: number, maxDigits: number): WireFormat {
  const max = (1n << BigInt(bits)) - 1n;
  return {
    pattern: "^[0-9]+$",
    maxLength: maxDigits,
    description: `an unsigned ${bits}-bit integer as a decimal string (0 to ${max})`,
    check: (text) => /^[0-9]+$/.test(text) && BigInt(text) <= max,
    decode: (text) => BigInt(text),
  };
}

function intFormat(bits: number, maxDigits: number): WireFormat {
  const max = (1n << BigInt(bits - 1)) - 1n;
  return {
    pattern: "^-?[0-9]+$",
    maxLength: maxDigits + 1,
    description: `a signed ${bits}-bit integer as a decimal string (${-max - 1n} to ${max})`,
    check: (text) => /^-?[0-9]+$/.test(text) && BigInt(text) <= max && BigInt(text) >= -max - 1n,
    decode: (text) => BigInt(text),
  };
}

/** Every format by name (the JSON schema `format` value). */
export const WIRE_FORMATS = {
  uint64: uintFormat(64, 20),
  uint128: uintFormat(128, 39),
  uint256: uintFormat(256, 78),
  int256: intFormat(256, 77),
  address: {
    pattern: "^0x[0-9a-fA-F]{40}$",
    maxLength: 42,
    description: "a 20-byte 0x-prefixed hex address (EIP-55 checksum when mixed case)",
    check: (text) => /^0x[0-9a-fA-F]{40}$/.test(text) && isAddress(text),
    decode: (text) => getAddress(text),
  },
  bytes32: {
    pattern: "^0x[0-9a-fA-F]{64}$",
    maxLength: 66,
    description: "a 32-byte 0x-prefixed hex hash",
    check: (text) => /^0x[0-9a-fA-F]{64}$/.test(text),
    decode: (text) => text.toLowerCase(),
  },
  signature: {
    pattern: "^0x([0-9a-fA-F]{2})+$",
    maxLength: 2 + 2 * MAX_SIGNATURE_BYTES,
    description: `a 0x-prefixed hex signature of 1 to ${MAX_SIGNATURE_BYTES} bytes`,
    check: (text) => text.length <= 2 + 2 * MAX_SIGNATURE_BYTES && /^0x([0-9a-fA-F]{2})+$/.test(text),
    decode: (text) => text,
  },
} as const satisfies Record<string, WireFormat>;

/** The name of a wire format. */
export type WireFormatName = keyof typeof WIRE_FORMATS;

/** The format named `name`, if it is one of Keel's. */
export function wireFormat(name: unknown): WireFormat | undefined {
  return typeof name === "string" && Object.hasOwn(WIRE_FORMATS, name)
    ? WIRE_FORMATS[name as WireFormatName]
    : undefined;
}
