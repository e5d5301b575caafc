/**
 * The OpenAPI document: it lists every route the gateway registers (WebSocket included) with a summary, an
 * operation id, its request schemas and its responses; GET /v1/openapi.json serves it; writeOpenApi writes the same
 * document to a file. A plain HTTP GET of the WebSocket endpoint gets 426.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import pino from "pino";
import { createGateway } from "../../../keepers/gateway/server";
import { openApiDocument, writeOpenApi } from "../../../keepers/gateway/writeOpenApi";
import { FakeExchange } from "./fakeExchange";
import { http, startGateway } from "./harness";

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: { in: string; name: string; required?: boolean; schema: Record<string, unknown> }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Record<string, unknown> }> }>;
}
type Paths = Record<string, Record<string, Operation>>;

describe("gateway OpenAPI document", function () {
  it("documents every registered route with an operation id, a summary and its responses", async function () {
    const gateway = createGateway(new FakeExchange(), {
      host: "127.0.0.1",
      port: 0,
      logger: pino({ level: "silent" }),
    });
    const registered: string[] = [];
    gateway.app.addHook("onRoute", (route) => {
      for (const method of [route.method].flat()) if (method !== "HEAD") registered.push(`${method} ${route.url}`);
    });
    await gateway.app.ready();
    const document = gateway.app.swagger() as unknown as { info: { title: string }; paths: Paths };
    await gateway.close();

    const documented = Object.entries(document.paths).flatMap(([url, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${url.replace(/\{(\w+)\}/g, ":$1")}`),
    );
    expect(document.info.title).to.equal("Keel gateway");
    expect(registered).to.have.length(16);
    expect(documented).to.have.members(registered);
    expect(registered).to.include.members([
      "POST /v1/orders",
      "POST /v1/cancel",
      "POST /v1/cancel-all",
      "POST /v1/schedule-cancel",
      "GET /v1/markets",
      "GET /v1/markets/:marketId/book",
      "GET /v1/markets/:marketId/impact",
      "GET /v1/markets/:marketId/trades",
      "GET /v1/accounts/:account",
      "GET /v1/accounts/:account/orders",
      "GET /v1/orders/:hash",
      "GET /v1/openapi.json",
      "GET /v1/ws",
      "POST /v1/liquidations",
      "POST /v1/liquidations/:ticketId/landed",
      "POST /v1/liquidations/:ticketId/release",
    ]);
    for (const [url, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        expect(operation.operationId, `${method} ${url}`).to.be.a("string");
        expect(operation.summary, `${method} ${url}`).to.be.a("string");
        expect(Object.keys(operation.responses).length, `${method} ${url}`).to.be.greaterThan(0);
      }
    }
  });

  it("describes bodies, params and amounts precisely", async function () {
    const { paths } = (await openApiDocument("9.9.9")) as unknown as { paths: Paths; info: { version: string } };
    const place = paths["/v1/orders"].post;
    const body = place.requestBody?.content["application/json"].schema as {
      additionalProperties: boolean;
      properties: { order: { properties: Record<string, Record<string, unknown>> } };
    };
    expect(body.additionalProperties).to.equal(false);
    expect(body.properties.order.properties.size).to.include({
      type: "string",
      format: "uint128",
      pattern: "^[0-9]+$",
      maxLength: 39,
    });
    expect(body.properties.order.properties.account).to.include({ pattern: "^0x[0-9a-fA-F]{40}$" });
    expect(Object.keys(place.responses)).to.include.members(["201", "400", "401", "422", "429", "503"]);

    const book = paths["/v1/markets/{marketId}/book"].get;
    expect(book.parameters?.map((p) => `${p.in}:${p.name}`)).to.have.members(["path:marketId", "query:depth"]);
    expect(book.responses["200"].content?.["application/json"].schema).to.have.nested.property("properties.sequence");
    expect(paths["/v1/ws"].get.description).to.contain('"op":"subscribe"');
  });

  it("is served at GET /v1/openapi.json, identical to the generated one", async function () {
    const h = await startGateway();
    try {
      const res = await http(`${h.address.url}/v1/openapi.json`);
      expect(res.status).to.equal(200);
      expect(res.json).to.deep.equal(JSON.parse(JSON.stringify(await openApiDocument())));
    } finally {
      await h.close();
    }
  });

  it("writeOpenApi writes the document as JSON to a file", async function () {
    const dir = await mkdtemp(path.join(tmpdir(), "keel-openapi-"));
    try {
      const file = path.join(dir, "docs", "openapi.json");
      await writeOpenApi(file, "1.2.3");
      const written = JSON.parse(await readFile(file, "utf8")) as {
        openapi: string;
        info: { version: string };
        paths: Paths;
      };
      expect(written.openapi).to.equal("3.0.3");
      expect(written.info.version).to.equal("1.2.3");
      expect(Object.keys(written.paths)).to.have.length(16);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("answers a plain GET of the WebSocket endpoint with 426 UPGRADE_REQUIRED", async function () {
    const h = await startGateway();
    try {
      const res = await http(`${h.address.url}/v1/ws`);
      expect(res.status).to.equal(426);
      expect(res.json.error.code).to.equal("UPGRADE_REQUIRED");
    } finally {
      await h.close();
    }
  });
});
