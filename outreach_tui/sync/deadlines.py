"""How long the client waits for the hub. Apart from ``client.py`` so that the CLI can
show them as option defaults without importing httpx (~0.1 s of every command's start)."""

REQUEST_DEADLINE_S = 120.0  # one request, from the first byte sent to the last received
RUN_DEADLINE_S = 7200.0  # one `outreach sync`, every request and retry together
