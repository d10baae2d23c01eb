// The frontend's contract: the client openapi-typescript generates from /api/schema (default
// options), used as a Next.js page would, compiled with `tsc --strict` (make contract) and run
// against a live server by tests/contract/test_generated_client.py:
//   node build/crud.js <base URL> <token>   → one JSON line of what it saw.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";

// The two Node globals used here (no @types/node for two names).
declare const process: { argv: string[]; exit(code: number): never };

type Idea = components["schemas"]["Idea"];
type IdeaPage = components["schemas"]["IdeaList"];

const [baseUrl, token] = process.argv.slice(2);
if (!baseUrl || !token) throw new Error("usage: node build/crud.js <base URL> <token>");

const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });

function fail(step: string, error: unknown): never {
  throw new Error(`${step}: ${JSON.stringify(error)}`);
}

async function main(): Promise<void> {
  // Create with only a title and tags: stage, priority and notes are the server's defaults.
  const created = await api.POST("/api/v1/ideas", { body: { title: "Launch video", tags: ["youtube"] } });
  if (!created.data) fail("create", created.error);
  const idea: Idea = created.data.data;
  const etag = created.response.headers.get("ETag") ?? fail("create", "no ETag");

  // Read it back; a PATCH of the title alone (nothing else is reset), guarded by If-Match.
  const read = await api.GET("/api/v1/ideas/{id}", { params: { path: { id: idea.id } } });
  if (!read.data) fail("read", read.error);
  const patched = await api.PATCH("/api/v1/ideas/{id}", {
    params: { path: { id: idea.id }, header: { "If-Match": etag } },
    body: { title: "Launch video, take 2" },
  });
  if (!patched.data) fail("patch", patched.error);

  // A stale If-Match is a typed 412 error envelope with the current ETag.
  const stale = await api.PATCH("/api/v1/ideas/{id}", {
    params: { path: { id: idea.id }, header: { "If-Match": etag } },
    body: { priority: "high" },
  });
  const staleCode: string | undefined = stale.error?.error.code;

  // Move it along, then page through the list by cursor.
  const staged = await api.PATCH("/api/v1/ideas/{id}/stage", {
    params: { path: { id: idea.id } },
    body: { stage: "outline" },
  });
  if (!staged.data) fail("stage", staged.error);
  await api.POST("/api/v1/ideas", { body: { title: "Second idea" } });
  const titles: string[] = [];
  let cursor: string | null | undefined;
  let pages = 0;
  do {
    const query = cursor
      ? { limit: 1, sort: "title" as const, order: "asc" as const, cursor }
      : { limit: 1, sort: "title" as const, order: "asc" as const };
    const listed = await api.GET("/api/v1/ideas", { params: { query } });
    if (!listed.data) fail("list", listed.error);
    const page: IdeaPage = listed.data.data;
    titles.push(...page.ideas.map((item) => item.title));
    cursor = page.pagination.next_cursor;
    pages += 1;
  } while (cursor && pages < 10);

  // Delete (to the trash); the idea is then a typed 404.
  const deleted = await api.DELETE("/api/v1/ideas/{id}", { params: { path: { id: idea.id } } });
  const gone = await api.GET("/api/v1/ideas/{id}", { params: { path: { id: idea.id } } });

  console.log(
    JSON.stringify({
      created: { title: idea.title, stage: idea.stage, priority: idea.priority, tags: idea.tags, etag },
      read: read.data.data.title,
      patched: { title: patched.data.data.title, stage: patched.data.data.stage, tags: patched.data.data.tags },
      staleStatus: stale.response.status,
      staleCode,
      staleEtag: stale.response.headers.get("ETag"),
      staged: staged.data.data.stage,
      titles,
      pages,
      deletedStatus: deleted.response.status,
      goneStatus: gone.response.status,
      goneCode: gone.error?.error.code,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
