#!/usr/bin/env node
// `keel-keeper <name>`: runs a keeper from its TypeScript source (ts-node, types checked by `npm run lint`).
require("ts-node").register({ transpileOnly: true, project: require("node:path").join(__dirname, "..", "tsconfig.json") });
require("../keepers/cli.ts");
