/**
 * The ops server over real HTTP on loopback: /metrics serves the registry in Prometheus text format with the keeper
 * label, /health serves the keeper's report as JSON with 200 when ok and 503 when degraded or failing.
 */
import { expect } from "chai";
import { Counter } from "prom-client";
import { createMetricsRegistry, startOpsServer, type HealthReport, type OpsServer } from "../../../keepers/core";
import { recordingLogger } from "./helpers";

describe("startOpsServer", function () {
  let server: OpsServer | undefined;
  let report: HealthReport;
  let failure: Error | undefined;

  beforeEach(async function () {
    const registry = createMetricsRegistry("indexer");
    const processed = new Counter({ name: "keel_blocks_processed_total", help: "Blocks", registers: [registry] });
    processed.inc(3);
    report = { status: "ok", keeper: "indexer", lastProcessedBlock: 42 };
    failure = undefined;
    server = await startOpsServer({
      host: "127.0.0.1",
      port: 0,
      registry,
      logger: recordingLogger().logger,
      keeper: "indexer",
      health: () => {
        if (failure !== undefined) throw failure;
        return report;
      },
    });
  });

  afterEach(async function () {
    await server?.close();
  });

  it("serves Prometheus metrics labelled with the keeper, default metrics included", async function () {
    expect(server?.port).to.be.greaterThan(0);
    const response = await fetch(`${server?.url}/metrics`);
    expect(response.status).to.equal(200);
    expect(response.headers.get("content-type")).to.contain("text/plain").and.contain("version=0.0.4");
    const text = await response.text();
    expect(text).to.contain('keel_blocks_processed_total{keeper="indexer"} 3');
    expect(text).to.match(/process_cpu_user_seconds_total\{keeper="indexer"\}/);
  });

  it("answers /health with 200 and the report while ok, bigints as strings", async function () {
    report = { ...report, lagBlocks: 5n };
    const response = await fetch(`${server?.url}/health`);
    expect(response.status).to.equal(200);
    expect(response.headers.get("content-type")).to.contain("application/json");
    expect(await response.json()).to.deep.equal({
      status: "ok",
      keeper: "indexer",
      lastProcessedBlock: 42,
      lagBlocks: "5",
    });
  });

  it("answers /health with 503 when degraded or stopping", async function () {
    report = { status: "degraded", keeper: "indexer", lastProcessedBlock: 40, reason: "RPC unreachable" };
    const degraded = await fetch(`${server?.url}/health`);
    expect(degraded.status).to.equal(503);
    expect(await degraded.json()).to.include({ status: "degraded", reason: "RPC unreachable" });
    report = { status: "stopping", keeper: "indexer", lastProcessedBlock: 40 };
    expect((await fetch(`${server?.url}/health`)).status).to.equal(503);
  });

  it("answers /health with 503 and the error when the health check throws", async function () {
    failure = new Error("database locked");
    const response = await fetch(`${server?.url}/health`);
    expect(response.status).to.equal(503);
    expect(await response.json()).to.deep.equal({
      status: "degraded",
      keeper: "indexer",
      lastProcessedBlock: null,
      error: "database locked",
    });
  });
});
