// The official TypeScript MCP SDK client against a running CreatorVault server.
// Run by assistant/tests/test_mcp_e2e.py: MCP_E2E='{"url": ..., "tokens": {...}, "burst": N}' node mcp_e2e.mjs
// Prints one JSON object with what every step returned; the Python test asserts on it.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const cfg = JSON.parse(process.env.MCP_E2E);
const out = {};

async function connect(token) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const transport = new StreamableHTTPClientTransport(new URL(cfg.url), { requestInit: { headers } });
  const client = new Client({ name: "creatorvault-node-e2e", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport };
}

const call = (client, name, args) => client.callTool({ name, arguments: args });

// Handshake, listing, every tool, pagination, prompts: the owner's session token.
{
  const { client, transport } = await connect(cfg.tokens.owner);
  out.initialize = {
    protocolVersion: transport.protocolVersion,
    sessionId: transport.sessionId ?? null,
    server: client.getServerVersion(),
    capabilities: client.getServerCapabilities(),
    instructions: client.getInstructions(),
  };
  out.tools = (await client.listTools()).tools;
  out.added = [];
  for (const title of ["Node one", "Node two", "Node three"]) {
    out.added.push(await call(client, "add_idea", { title, notes: `private notes of ${title}`, tags: ["node"] }));
  }
  const id = out.added[0].structuredContent.idea.id;
  out.page1 = await call(client, "list_ideas", { limit: 2 });
  out.page2 = await call(client, "list_ideas", { limit: 2, cursor: out.page1.structuredContent.next_cursor });
  out.search = await call(client, "search_ideas", { query: "three" });
  out.get = await call(client, "get_idea", { idea_id: id });
  out.getNotes = await call(client, "get_idea", { idea_id: id, include_notes: true });
  out.update = await call(client, "update_idea", { idea_id: id, version: 1, title: "Node one, edited" });
  out.stale = await call(client, "update_idea", { idea_id: id, version: 1, title: "Lost write" });
  out.stage = await call(client, "change_stage", { idea_id: id, stage: "draft" });
  out.deleted = await call(client, "delete_idea", { idea_id: id });
  out.restored = await call(client, "restore_idea", { idea_id: id });
  out.tags = await call(client, "list_tags", {});
  out.badLimit = await call(client, "list_ideas", { limit: 99 });
  out.badId = await call(client, "get_idea", { idea_id: "nope" });
  out.prompts = (await client.listPrompts()).prompts;
  out.prompt = await client.getPrompt({ name: "expand_idea", arguments: { idea_id: id, mode: "outline" } });
  try {
    await call(client, "no_such_tool", {});
    out.unknownTool = "no error";
  } catch (error) {
    out.unknownTool = String(error.message);
  }
  out.ideaId = id;
  await client.close();
}

// Another creator: the owner's idea is "not found", exactly like a missing one.
{
  const { client } = await connect(cfg.tokens.outsider);
  out.outsiderGet = await call(client, "get_idea", { idea_id: out.ideaId });
  out.outsiderMissing = await call(client, "get_idea", { idea_id: "0b9c1f9e-5d5c-4f3e-9a71-3c1d2e4f5a6b" });
  out.outsiderList = await call(client, "list_ideas", {});
  await client.close();
}

// A read-only token without notes:read.
{
  const { client } = await connect(cfg.tokens.readOnly);
  out.readOnlyTools = (await client.listTools()).tools.map((tool) => tool.name);
  out.readOnlyAdd = await call(client, "add_idea", { title: "Should not exist" });
  out.readOnlyNotes = await call(client, "get_idea", { idea_id: out.ideaId, include_notes: true });
  await client.close();
}

// No token: the SDK refuses to connect; the raw answer is a 401 naming the resource metadata.
try {
  await connect(null);
  out.noToken = "connected";
} catch (error) {
  out.noToken = String(error.message);
}
{
  const response = await fetch(cfg.url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
  });
  out.raw401 = { status: response.status, wwwAuthenticate: response.headers.get("www-authenticate") };
  const metadata = await fetch(new URL("/.well-known/oauth-protected-resource/mcp", cfg.url));
  out.metadata = await metadata.json();
}

// Under load: more calls at once than the per-user limit allows.
{
  const { client } = await connect(cfg.tokens.burst);
  const calls = Array.from({ length: cfg.burst }, () => call(client, "list_tags", {}));
  const settled = await Promise.allSettled(calls);
  out.burst = settled.map((result) => (result.status === "fulfilled" ? "ok" : String(result.reason?.message ?? result.reason)));
  const response = await fetch(cfg.url, {
    method: "POST",
    headers: {
      authorization: `Bearer ${cfg.tokens.burst}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2025-11-25",
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
  });
  out.limited = { status: response.status, retryAfter: response.headers.get("retry-after") };
  await client.close();
}

console.log(JSON.stringify(out));
