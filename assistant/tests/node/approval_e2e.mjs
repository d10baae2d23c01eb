// The AI SDK's tool approval flow as useChat runs it, with the `ai` package's own AbstractChat (the
// class @ai-sdk/react's useChat wraps) over DefaultChatTransport: send a message, read the paused
// turn (a tool part in state approval-requested), answer with addToolApprovalResponse and let
// sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses post the answer, to
// another server process (another worker) when CHAT_URL_RESUME is set. Prints the paused message,
// the final one, the answer's request body and any error as JSON. Driven by
// assistant/tests/test_chat_e2e.py.
import {
  AbstractChat,
  DefaultChatTransport,
  lastAssistantMessageIsCompleteWithApprovalResponses,
} from "ai";

const { CHAT_URL, CHAT_URL_RESUME, CHAT_TOKEN, CHAT_ID, CHAT_TEXT, APPROVE, REASON } = process.env;

// What @ai-sdk/react keeps for useChat, minus React: the chat's state in memory.
class MemoryState {
  status = "ready";
  error = undefined;
  messages = [];
  pushMessage = (message) => {
    this.messages = this.messages.concat(message);
  };
  popMessage = () => {
    this.messages = this.messages.slice(0, -1);
  };
  replaceMessage = (index, message) => {
    this.messages = [...this.messages.slice(0, index), this.snapshot(message), ...this.messages.slice(index + 1)];
  };
  snapshot = (thing) => structuredClone(thing);
}

class Chat extends AbstractChat {
  constructor(init) {
    super({ ...init, state: new MemoryState() });
  }
}

const bodies = [];
const transport = new DefaultChatTransport({
  api: CHAT_URL,
  headers: { Authorization: `Bearer ${CHAT_TOKEN}` },
  fetch: (url, init) => {
    bodies.push(JSON.parse(init.body));
    return globalThis.fetch(bodies.length > 1 && CHAT_URL_RESUME ? CHAT_URL_RESUME : url, init);
  },
});
let error = null;
const chat = new Chat({
  id: CHAT_ID,
  transport,
  sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
  onError: (e) => {
    error = String(e?.message ?? e);
  },
});

const settled = async (requests) => {
  for (let waited = 0; waited < 30000; waited += 50) {
    if (bodies.length >= requests && (chat.status === "ready" || chat.status === "error")) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the chat did not settle (status ${chat.status})`);
};

await chat.sendMessage({ text: CHAT_TEXT });
await settled(1);
const paused = structuredClone(chat.lastMessage);
const asked = paused?.parts.find((part) => part.state === "approval-requested");
let final = null;
if (asked) {
  await chat.addToolApprovalResponse({
    id: asked.approval.id,
    approved: APPROVE === "1",
    ...(REASON ? { reason: REASON } : {}),
  });
  await settled(2);
  final = structuredClone(chat.lastMessage);
}
process.stdout.write(
  JSON.stringify({ paused, final, answer: bodies[1] ?? null, requests: bodies.length, messages: chat.messages.length, error }),
);
