"""The MCP surface of the assistant: the SDK's server (`server`), its HTTP app (`http`), auth (`auth`)."""
