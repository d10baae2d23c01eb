"""The TypeScript client generated from the OpenAPI document compiles and runs the CRUD flow.

openapi-typescript (default options) turns the document into types, `tsc --strict` compiles
`crud.ts` (create with a title and tags, read, PATCH the title alone under If-Match, a stale
If-Match, the stage, cursor pages, delete) and Node runs it with openapi-fetch against the live
server. Skipped, with the reason, without Node or the locked tools (`make contract-deps`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

CONTRACT_DIR = Path(__file__).parent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        shutil.which("node") is None, reason="node is not installed: the client needs Node 18+"
    ),
]


def run(*command: str) -> str:
    done = subprocess.run(command, cwd=CONTRACT_DIR, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture
def compiled_client() -> Path:
    if not (CONTRACT_DIR / "node_modules" / "openapi-fetch").is_dir():
        pytest.skip(
            f"The contract tools are not installed: run `npm ci --prefix {CONTRACT_DIR}` (make test does)."
        )
    (CONTRACT_DIR / "generated").mkdir(exist_ok=True)
    call_command(
        "spectacular", "--format", "openapi-json", "--file", str(CONTRACT_DIR / "generated" / "openapi.json")
    )
    run("npm", "run", "--silent", "generate")
    run("npm", "run", "--silent", "build")  # tsc --strict: a contract that does not compile fails here
    return CONTRACT_DIR / "build" / "crud.js"


def test_the_generated_client_runs_the_crud_flow(
    compiled_client: Path, live_server: Any, owner, mint_token
) -> None:
    seen = json.loads(
        run("node", str(compiled_client), live_server.url, mint_token(owner)).strip().splitlines()[-1]
    )

    assert seen["created"] == {
        "title": "Launch video",
        "stage": "idea",
        "priority": "medium",
        "tags": ["youtube"],
        "etag": '"1"',
    }
    assert seen["read"] == "Launch video"
    # A PATCH of the title alone resets nothing (the stage and tags stay).
    assert seen["patched"] == {"title": "Launch video, take 2", "stage": "idea", "tags": ["youtube"]}
    assert (seen["staleStatus"], seen["staleCode"], seen["staleEtag"]) == (412, "PRECONDITION_FAILED", '"2"')
    assert seen["staged"] == "outline"
    assert seen["titles"] == ["Launch video, take 2", "Second idea"]
    assert seen["pages"] == 2
    assert (seen["deletedStatus"], seen["goneStatus"], seen["goneCode"]) == (204, 404, "NOT_FOUND")
