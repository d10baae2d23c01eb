// Reads one chat turn the way useChat does: the AI SDK's own DefaultChatTransport posts to the
// server and parses the SSE, readUIMessageStream assembles the UIMessage. Prints the final message
// and any stream error as JSON. Driven by assistant/tests/test_chat_e2e.py.
import { DefaultChatTransport, readUIMessageStream } from "ai";

const { CHAT_URL, CHAT_TOKEN, CHAT_ID, CHAT_TEXT } = process.env;
const transport = new DefaultChatTransport({
  api: CHAT_URL,
  headers: { Authorization: `Bearer ${CHAT_TOKEN}` },
});
const userMessage = { id: "user-1", role: "user", parts: [{ type: "text", text: CHAT_TEXT }] };
const stream = await transport.sendMessages({
  chatId: CHAT_ID,
  messages: [userMessage],
  trigger: "submit-message",
  messageId: undefined,
  abortSignal: undefined,
});
let message = null;
let error = null;
try {
  for await (const snapshot of readUIMessageStream({
    stream,
    onError: (e) => {
      error = String(e?.message ?? e);
    },
  })) {
    message = snapshot;
  }
} catch (e) {
  error = String(e?.message ?? e);
}
process.stdout.write(JSON.stringify({ message, error }));
