def test_smoke(mcp_call, owner, mint_token, make_idea):
    make_idea(title="Hello", notes="secret words")
    token = mint_token(owner)

    async def scenario(client):
        tools = await client.list_tools()
        res = await client.call_tool("list_ideas", {"limit": 5})
        res2 = await client.call_tool("get_idea", {"idea_id": res.structured_content["ideas"][0]["id"]})
        return tools, res, res2

    tools, res, res2 = mcp_call(token, scenario)
    print([t.name for t in tools.tools])
    print(res)
    print(res2)
    assert not res.is_error
