/**
 * isTransientRpcError: true only for failures another attempt may cure (network, overload, rate limit, lagging
 * node); false for answers (reverts, nonce errors, insufficient funds, bad arguments), even when wrapped.
 */
import { expect } from "chai";
import { makeError } from "ethers";
import { isTransientRpcError } from "../../../keepers/core";

const withCode = (message: string, code: string | number, extra: object = {}) =>
  Object.assign(new Error(message), { code }, extra);

const transient: [string, unknown][] = [
  ["ECONNREFUSED", withCode("connect ECONNREFUSED 127.0.0.1:8545", "ECONNREFUSED")],
  ["ECONNRESET", withCode("read ECONNRESET", "ECONNRESET")],
  ["ETIMEDOUT", withCode("connect ETIMEDOUT 10.0.0.1:443", "ETIMEDOUT")],
  ["EAI_AGAIN", withCode("getaddrinfo EAI_AGAIN rpc.hyperliquid.xyz", "EAI_AGAIN")],
  ["socket hang up", new Error("socket hang up")],
  [
    "fetch failed caused by ECONNREFUSED",
    new TypeError("fetch failed", { cause: withCode("refused", "ECONNREFUSED") }),
  ],
  ["ethers NETWORK_ERROR", makeError("network error", "NETWORK_ERROR", { event: "noNetwork" })],
  ["ethers TIMEOUT", makeError("timeout", "TIMEOUT", { operation: "request", reason: "timeout" })],
  [
    "SERVER_ERROR 429",
    makeError("server response 429 Too Many Requests", "SERVER_ERROR", {
      request: "",
      response: { statusCode: 429 },
    } as never),
  ],
  [
    "SERVER_ERROR 502",
    makeError("server response 502 Bad Gateway", "SERVER_ERROR", {
      request: "",
      response: { statusCode: 502 },
    } as never),
  ],
  [
    "SERVER_ERROR 503",
    makeError("server response 503", "SERVER_ERROR", { request: "", response: { statusCode: 503 } } as never),
  ],
  [
    "SERVER_ERROR 504",
    makeError("server response 504", "SERVER_ERROR", { request: "", response: { statusCode: 504 } } as never),
  ],
  ["JSON-RPC -32005 limit exceeded", withCode("limit exceeded", -32005)],
  [
    "rate limit wrapped by ethers",
    makeError("could not coalesce error", "UNKNOWN_ERROR", { error: { code: -32005, message: "rate limit" } }),
  ],
  [
    "header not found",
    makeError("could not coalesce error", "UNKNOWN_ERROR", { error: { code: -32000, message: "header not found" } }),
  ],
];

const permanent: [string, unknown][] = [
  ["revert (CALL_EXCEPTION)", makeError("execution reverted", "CALL_EXCEPTION")],
  ["revert message from a node", withCode("execution reverted: FillPriceOutsideBand", 3)],
  ["nonce too low (NONCE_EXPIRED)", makeError("nonce has already been used", "NONCE_EXPIRED")],
  ["nonce too low from Hardhat", withCode("Nonce too low. Expected nonce to be 5 but got 4.", -32000)],
  ["insufficient funds", makeError("insufficient funds for intrinsic transaction cost", "INSUFFICIENT_FUNDS")],
  ["replacement underpriced", makeError("replacement fee too low", "REPLACEMENT_UNDERPRICED")],
  ["invalid argument", makeError("invalid address", "INVALID_ARGUMENT")],
  [
    "SERVER_ERROR 400",
    makeError("server response 400", "SERVER_ERROR", { request: "", response: { statusCode: 400 } } as never),
  ],
  [
    "revert that mentions a timeout, wrapped",
    makeError("execution reverted", "CALL_EXCEPTION", { info: { error: new Error("timeout") } } as never),
  ],
  ["plain programming error", new TypeError("Cannot read properties of undefined")],
  ["not an error", "boom"],
  ["undefined", undefined],
];

describe("isTransientRpcError", function () {
  for (const [name, error] of transient) {
    it(`retries ${name}`, function () {
      expect(isTransientRpcError(error)).to.equal(true);
    });
  }
  for (const [name, error] of permanent) {
    it(`does not retry ${name}`, function () {
      expect(isTransientRpcError(error)).to.equal(false);
    });
  }
});
