#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets from the scenario suite.

    make_corpus.py SCENARIOS_DIR OUT_DIR

Each scenario's `C:` lines become a client byte stream (variables filled in, escapes decoded),
cut into reads where the client waits for a reply; its `S:` lines become a server byte stream
of replies. Every target gets the form it reads (fuzz_input.hpp: one settings byte first,
then the reads separated by the feed marker), in OUT_DIR/TARGET/, one file per seed. A few
seeds for the SASL targets are made here too. Nothing is written outside OUT_DIR.
"""

import base64
import hashlib
import hmac
import os
import pathlib
import re
import sys

MARKER = b"\x00\xff"
VARIABLES = {
    "client": "client.example.org",
    "from": "alice@example.org",
    "rcpt": "bob@example.test",
    "user": "alice",
    "password": "wonderland",
}


def decode(payload):
    """A C: payload as bytes: {variables} filled in, \\r \\n \\t \\\\ \\xHH decoded."""
    payload = re.sub(r"\{(\w+)\}", lambda m: VARIABLES.get(m.group(1), m.group(0)), payload)
    out = bytearray()
    i = 0
    while i < len(payload):
        c = payload[i]
        if c == "\\" and i + 1 < len(payload):
            nxt = payload[i + 1]
            if nxt == "x" and i + 3 < len(payload) + 1:
                out.append(int(payload[i + 2:i + 4], 16))
                i += 4
                continue
            out += {"r": b"\r", "n": b"\n", "t": b"\t", "\\": b"\\"}.get(nxt, nxt.encode())
            i += 2
            continue
        out += c.encode()
        i += 1
    return bytes(out)


def reply_for(payload):
    """A plausible server reply for an S: line: its first alternative, x as 0."""
    first = payload.split("|")[0].split("=>")[0].strip()
    if not first or first.startswith("<close>"):
        return b""
    words = first.split()
    code = words[0].replace("x", "0")
    if not re.fullmatch(r"\d\d\d(-.*)?", code):
        return b""
    if "-" in code:
        return first.encode() + b"\r\n"
    keywords = [w[1:] for w in words[1:] if w.startswith("+")]
    if keywords:
        lines = [b"mx.example.test"] + [k.encode() for k in keywords]
        out = b"".join(code.encode() + b"-" + l + b"\r\n" for l in lines[:-1])
        return out + code.encode() + b" " + lines[-1] + b"\r\n"
    return code.encode() + b" ok\r\n"


def read_scenario(text):
    """The client reads, the client lines and the server replies of one scenario."""
    reads, lines, replies = [b""], [], []
    for raw in text.splitlines():
        line = re.sub(r"^\d+ x ", "", raw)
        if line.startswith(("C: ", "C> ")):
            data = decode(line[3:]) + b"\r\n"
            lines.append(data[:-2])
            reads[-1] += data
        elif line.startswith("C~ "):
            reads[-1] += decode(line[3:])
        elif line.startswith("S: "):
            replies.append(reply_for(line[3:]))
            if reads[-1]:
                reads.append(b"")
    return [r for r in reads if r], lines, [r for r in replies if r]


def paths_of(line):
    return re.findall(rb"<[^>]*>", line)


def scram_users_line(name, password, salt, iterations=4096):
    salted = hashlib.pbkdf2_hmac("sha256", password, salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored = hashlib.sha256(client_key).digest()
    server = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = lambda b: base64.b64encode(b)
    return (name + b" SCRAM-SHA-256$" + str(iterations).encode() + b":" + b64(salt) + b"$" +
            b64(stored) + b":" + b64(server) + b" CRAM-MD5$" + b64(password))


def sasl_seeds():
    plain = b"\x00alice\x00wonderland"
    seeds = {
        "sasl_decoders": [b"\x00" + base64.b64encode(plain), b"\x00", b"\x01*", b"\x01=",
                          b"\x01" + base64.b64encode(b"n,,n=alice,r=fuzznonce"),
                          b"\x02n,a=al=2Cice,", b"\x02y,,",
                          b"\x03" + scram_users_line(b"alice", b"wonderland", b"salt-of-alice"),
                          b"\x03carol t0ken-c4rol\n"],
        "sasl_exchange": [],
    }
    # Server side: bit 0 undecoded lines, bit 6 the first feed as initial response, and the
    # mechanism (settings >> 1) % 5. Client side: bit 7, the mechanism (settings >> 1) % 6.
    def settings_for(mechanism, count, flags):
        return next(s for s in range(256) if s & 0xc1 == flags and (s >> 1) % count == mechanism)

    exchanges = [
        (settings_for(0, 5, 0x40), [plain]),
        (settings_for(1, 5, 0), [b"alice", b"wonderland"]),
        (settings_for(2, 5, 0), [b"alice 0123456789abcdef0123456789abcdef"]),
        (settings_for(3, 5, 0x40), [b"n,,n=alice,r=abc", b"c=biws,r=abcfixedrandom,p=AAAA", b""]),
        (settings_for(4, 5, 0x40), [b"n,a=carol,\x01auth=Bearer t0ken-c4rol\x01\x01", b"\x01"]),
        (settings_for(0, 5, 0x41), [base64.b64encode(plain)]),
        (settings_for(0, 6, 0x80), [b"r=fuzznonceXYZ,s=" + base64.b64encode(b"salt") + b",i=4096",
                                    b"v=AAAA"]),
        (settings_for(3, 6, 0x80), [b"<1.2@mx.example.test>"]),
        (settings_for(5, 6, 0x80), [b"Username:", b"Password:"]),
        (settings_for(1, 6, 0x80), [b'{"status":"invalid_token"}']),
    ]
    for settings, feeds in exchanges:
        seeds["sasl_exchange"].append(bytes([settings]) + MARKER.join(feeds))
    return seeds


def main():
    scenarios, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    corpora = {name: [] for name in (
        "line_reader", "data_reader", "chunk_reader", "reply_codec", "command_parser",
        "address_parser", "auth_bdat_syntax", "scenario_parser", "server_session",
        "client_session")}
    for number, path in enumerate(sorted(scenarios.rglob("*.smtp"))):
        text = path.read_text(encoding="utf-8", errors="replace")
        reads, lines, replies = read_scenario(text)
        stream = MARKER.join(reads)
        corpora["scenario_parser"].append(b"\x00" + text.encode())
        corpora["line_reader"].append(b"\x00" + stream)
        corpora["data_reader"].append(b"\x00" + stream)
        corpora["chunk_reader"].append(bytes([number % 0xf0]) + stream)
        corpora["reply_codec"].append(b"\x00" + MARKER.join(replies))
        # The server: the default policy, and STARTTLS + AUTH + small limits in turn.
        corpora["server_session"].append(bytes([(0, 0x05, 0x15, 0x0d, 0x80)[number % 5]]) + stream)
        corpora["client_session"].append(bytes([(0x03, 0x13, 0x07, 0x23)[number % 4]]) +
                                         MARKER.join(replies))
        for line in lines:
            corpora["command_parser"].append(b"\x01" + line)
            corpora["address_parser"] += [b"\x01" + p for p in paths_of(line)]
            verb = line[:5].upper()
            if verb == b"AUTH ":
                corpora["auth_bdat_syntax"].append(b"\x00" + line[5:])
            elif verb == b"BDAT ":
                corpora["auth_bdat_syntax"].append(b"\x02" + line[5:])
            elif verb == b"MAIL ":
                corpora["auth_bdat_syntax"].append(b"\x01" + line)
    corpora.update(sasl_seeds())
    total = 0
    for name, seeds in corpora.items():
        total += write_seeds(out / name, dict.fromkeys(seeds))  # unique, in order
    print(f"make_corpus: {total} seeds for {len(corpora)} targets in {out}")


def write_seeds(folder, seeds):
    """Makes folder hold exactly these seeds. A file that already holds its seed is left
    alone and a new one appears whole (written aside, then renamed), so a fuzzer reading
    the folder, or a second run writing the same seeds, is not disturbed."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {f"seed-{index:04d}": seed for index, seed in enumerate(seeds)}
    for path in folder.iterdir():
        if path.name not in wanted:
            path.unlink(missing_ok=True)
    for file_name, seed in wanted.items():
        path = folder / file_name
        if path.exists() and path.read_bytes() == seed:
            continue
        aside = folder / f".{file_name}.{os.getpid()}"
        aside.write_bytes(seed)
        os.replace(aside, path)
    return len(wanted)


if __name__ == "__main__":
    main()
