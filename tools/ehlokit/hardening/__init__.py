"""The hardening checks of ehlo-server, one module per part of tools/hardening: durability,
big_message, testssl, connections (with slowloris, slow_clients) and hostile_peers. The
convention every part follows is in README.md here; docs/reliability.md says what each proves.
"""
