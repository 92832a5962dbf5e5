"""`wbtui demo`'s start: the embedded sandbox on 127.0.0.1, the client on it over plain HTTP."""

from __future__ import annotations

import ssl

from wbtui import cli


async def test_the_demo_starter_serves_the_demo_to_a_client_that_needs_no_ca_bundle(demo_copy, tmp_path, monkeypatch):
    root = tmp_path / "data"
    root.mkdir()
    demo_copy.rename(root / "demo")
    monkeypatch.setenv("WBTUI_DATA_DIR", str(root))
    make_api = cli._demo_starter()()  # serves until the process exits (as `wbtui demo` does)
    api = make_api()
    try:
        assert api.settings.base_url.startswith("http://127.0.0.1:")
        assert "cifar10-resnet" in [p.name async for p in api.projects("admin")]
        # no CA loaded, certificates required: this client cannot make an https call at all
        context = api._transport._client._transport._pool._ssl_context
        assert context.get_ca_certs() == [] and context.verify_mode == ssl.CERT_REQUIRED
    finally:
        await api.close()
    second = make_api()  # each client gets its own transport (closing one does not close the next)
    try:
        assert [p.name async for p in second.projects("admin")]
    finally:
        await second.close()
