"""The Schemathesis run over the served API (`make fuzz`): its hooks and configuration."""
