"""The real SMTP clients that ehlo-check's client-testing mode judges: one table, CLIENTS, of
programs and libraries from Debian 12, each with the command templates it is run with, and
the MTAs (Postfix and Exim, from peers.py) started as relays that pass every message on.

A template is a /bin/sh command line for one ask:

    plain     plain SMTP
    starttls  STARTTLS, required (no STARTTLS offered: exit non-zero), the certificate verified
              against {ca-file} (RFC 3207)
    tls       implicit TLS (RFC 8314 §3), verified against {ca-file}
    auth      as starttls, then AUTH as {user} with {password} (RFC 4954)

or None where the client cannot do it. Templates hold the placeholders {host} {port} {from}
{rcpt} {message} {user} {password} {ca-file} and no others; fill() replaces each with its
shell-quoted value, as `ehlo-check --exec` does, so a template never quotes them itself. The
client sends the file {message} (an RFC 5322 message, CRLF line ends) from {from} to {rcpt},
and exits 0 only when the server accepted it. `alters` says what a client changes in the
message or its envelope, `quirks` what else was seen of it.

    from ehlokit.clients import CLIENTS, fill, run_command
    command = CLIENTS["msmtp"].command("starttls")           # the kit's paths filled in
    result = run_command(fill(command, {"host": "127.0.0.1", "port": 2525, ...}))

The kit's own scripts (Python's smtplib, Perl's Net::SMTP, Ruby's net-smtp, PHPMailer's SMTP
class) sit beside this file and share one command line: --host --port --from --rcpt
--message [--starttls | --tls] [--ca-file] [--user --password].
"""

import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ehlokit import peers
from ehlokit.programs import KitError, bin_dir

HERE = Path(__file__).resolve().parent
PLACEHOLDERS = ("host", "port", "from", "rcpt", "message", "user", "password", "ca-file")
PLACEHOLDER = re.compile(r"\{(" + "|".join(re.escape(name) for name in PLACEHOLDERS) + r")\}")
ASKS = ("plain", "starttls", "tls", "auth")
# What a client may change in the message it sends, or in its envelope (Client.alters).
ADDS_EMPTY_LAST_LINE = "adds-empty-last-line"  # an empty line before the end of the data
REWRITES_HEADERS = "rewrites-headers"  # the header section changes; the body does not
HEADER_RECIPIENTS = "header-recipients"  # sends to the To:, Cc:, Bcc: of the message too
SENDER_FROM_HEADER = "sender-from-header"  # the reverse-path is the From:, not {from}
# Markers for the paths of the kit's scripts and of the built programs, filled by command().
KIT_MARK, BIN_MARK = "@KIT@", "@BIN_DIR@"
RUN_TIMEOUT = 60
RELAYS = ("postfix", "exim")


@dataclass(frozen=True)
class Client:
    """One real client: its Debian packages, the programs (or files) it needs, a command that
    prints its version, its templates by ask, what it alters in a message, its quirks, and
    whether its TLS asks check the server's name as well as the certificate's chain."""

    name: str
    packages: tuple
    needs: tuple  # programs on PATH, or absolute paths (KIT_MARK, BIN_MARK allowed)
    version_command: str
    templates: dict  # ask -> template, or None when the client cannot do that ask
    alters: frozenset = field(default_factory=frozenset)
    quirks: str = ""
    checks_host_name: bool = True  # False: its TLS asks verify the chain, not the name

    def command(self, ask):
        """The template for `ask` with the kit's and the build's paths filled in (the
        placeholders stay), or None when the client cannot do it."""
        if ask not in ASKS:
            raise KitError(f"no ask {ask!r}: the asks are {', '.join(ASKS)}")
        template = self.templates.get(ask)
        return None if template is None else _with_paths(template)

    def missing(self):
        """What of `needs` is not there (a program or a file), or None when all is."""
        for need in self.needs:
            need = _with_paths(need, quote=False)
            if not (Path(need).is_file() if "/" in need else shutil.which(need)):
                return need
        return None

    def version(self):
        """The first line the version command prints (the client must be there)."""
        result = run_command(_with_paths(self.version_command))
        text = (result.stdout or result.stderr).decode(errors="replace").strip()
        return text.splitlines()[0] if text else f"(no version: exit {result.returncode})"


def _with_paths(text, quote=True):
    kit, build = str(HERE), str(bin_dir())
    if quote:
        kit, build = shlex.quote(kit), shlex.quote(build)
    return text.replace(KIT_MARK, kit).replace(BIN_MARK, build)


def fill(template, values):
    """The command: every placeholder of `template` replaced by shlex.quote of its value in
    `values` (keys as in PLACEHOLDERS, "ca-file" included). KitError when a placeholder the
    template uses has no value."""
    def quoted(match):
        name = match.group(1)
        if name not in values:
            raise KitError(f"no value for {{{name}}} in {template!r}")
        return shlex.quote(str(values[name]))
    return PLACEHOLDER.sub(quoted, template)


def run_command(command, timeout=RUN_TIMEOUT, env=None, cwd=None):
    """Runs a filled command as ehlo-check does, through `/bin/sh -c`, standard input closed;
    returns the CompletedProcess (output as bytes)."""
    return subprocess.run(["/bin/sh", "-c", command], stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=timeout, env=env, cwd=cwd)


def _kit_script(interpreter, script):
    """The four templates of one of the kit's scripts, which share one command line."""
    base = (f"{interpreter} {KIT_MARK}/{script} --host {{host}} --port {{port}} "
            "--from {from} --rcpt {rcpt} --message {message}")
    return {"plain": base,
            "starttls": base + " --starttls --ca-file {ca-file}",
            "tls": base + " --tls --ca-file {ca-file}",
            "auth": base + " --starttls --ca-file {ca-file} --user {user} --password {password}"}


SWAKS = "swaks --server {host} --port {port} --from {from} --to {rcpt} --data @{message}"
MSMTP = "msmtp --file=/dev/null --host={host} --port={port} --from={from}"
CURL = ("curl --silent --show-error --mail-from {from} --mail-rcpt {rcpt} "
        "--upload-file {message}")
EHLO_SEND = BIN_MARK + "/ehlo-send --server {host}:{port} --from {from} --to {rcpt} {message}"
# s-nail reads a local message (LF line ends): sed takes the CRs off, s-nail puts them back.
S_NAIL = ("sed 's/\\r$//' {message} | s-nail -:/ -Sv15-compat -Ssendwait -Snosave "
          "-Smta=smtp://{host}:{port} -Ssmtp-auth=none -r {from} -t {rcpt}")
# mutt's -e lines are parsed again by mutt: the values go in by the environment, which mutt
# expands inside double quotes. Debian's mutt sets ssl_force_tls (TLS or nothing).
MUTT_ENV = "MUTT_HOST={host} MUTT_PORT={port} MUTT_FROM={from} "
MUTT_SET = ("mutt -F /dev/null -n -e 'set copy=no use_envelope_from=yes "
            "envelope_from_address=\"$MUTT_FROM\" ")
MUTT_SEND = "' -H {message} {rcpt} </dev/null"
MUTT_TLS = 'ssl_force_tls=yes ssl_ca_certificates_file="$MUTT_CA" '

CLIENTS = {client.name: client for client in (
    Client(
        "swaks", ("swaks", "libnet-ssleay-perl"), ("swaks",), "swaks --version",
        {"plain": SWAKS,
         "starttls": SWAKS + " --tls --tls-verify --tls-ca-path {ca-file}",
         "tls": SWAKS + " --tls-on-connect --tls-verify --tls-ca-path {ca-file}",
         "auth": SWAKS + " --tls --tls-verify --tls-ca-path {ca-file} --auth "
                         "--auth-user {user} --auth-password {password}"},
        frozenset({ADDS_EMPTY_LAST_LINE}),
        "ends the data with an empty line of its own; replaces tokens such as %DATE% in the "
        "data and strips a leading 'From ' line; --no-data-fixup would stop that but also "
        "its dot-stuffing and the final '.'; --tls-verify checks the chain, not the host name",
        checks_host_name=False),
    Client(
        "msmtp", ("msmtp",), ("msmtp",), "msmtp --version",
        {"plain": MSMTP + " -- {rcpt} <{message}",
         "starttls": MSMTP + " --tls=on --tls-starttls=on --tls-trust-file={ca-file} "
                             "-- {rcpt} <{message}",
         "tls": MSMTP + " --tls=on --tls-starttls=off --tls-trust-file={ca-file} "
                        "-- {rcpt} <{message}",
         "auth": "MSMTP_PASSWORD={password} " + MSMTP
                 + " --tls=on --tls-starttls=on --tls-trust-file={ca-file} --auth=on "
                   "--user={user} --passwordeval='printf %s \"$MSMTP_PASSWORD\"' "
                   "-- {rcpt} <{message}"},
        frozenset(),
        "no --password option: the password comes from --passwordeval, here a printf of a "
        "variable; EHLO names 'localhost'; logs in with PLAIN although CRAM-MD5 and "
        "SCRAM-SHA-256 are offered"),
    Client(
        "curl", ("curl",), ("curl",), "curl --version",
        {"plain": CURL + " smtp://{host}:{port}/localhost",
         "starttls": CURL + " --ssl-reqd --cacert {ca-file} smtp://{host}:{port}/localhost",
         "tls": CURL + " --cacert {ca-file} smtps://{host}:{port}/localhost",
         "auth": CURL + " --ssl-reqd --cacert {ca-file} --user {user}:{password} "
                        "smtp://{host}:{port}/localhost"},
        frozenset(),
        "the EHLO name is the URL's path, and without one the uploaded file's name (here "
        "'localhost'); MAIL carries SIZE=; logs in with CRAM-MD5 when offered; sends the "
        "file as it is (no LF to CRLF without --crlf); a user name cannot hold ':' (--user "
        "splits there)"),
    Client(
        "smtplib", ("python3",), ("/usr/bin/python3",), "/usr/bin/python3 --version",
        _kit_script("/usr/bin/python3", "smtplib_client.py"), frozenset(),
        "Python's smtplib, driven by the kit's smtplib_client.py; sends its verbs in lower "
        "case ('ehlo', 'mail FROM:', 'rcpt TO:', 'data', with 'size='), and EHLO with an "
        "address literal when the host has no dotted name; sends bytes as they are (bare LF "
        "too), dot-stuffed; logs in with CRAM-MD5 when offered"),
    Client(
        "ehlo-send", (), (BIN_MARK + "/ehlo-send",), BIN_MARK + "/ehlo-send --version",
        {"plain": EHLO_SEND,
         "starttls": EHLO_SEND + " --starttls=required --ca-file {ca-file}",
         "tls": EHLO_SEND + " --tls --ca-file {ca-file}",
         "auth": EHLO_SEND + " --starttls=required --ca-file {ca-file} --auth {user} "
                             "--password {password}"},
        frozenset(), "Ehlo's own client (docs/client.md); sends BDAT when CHUNKING is offered, "
        "and logs in with SCRAM-SHA-256 when offered"),
    Client(
        "net-smtp-perl", ("perl", "libio-socket-ssl-perl", "libauthen-sasl-perl"),
        ("perl",),
        "perl -MNet::SMTP -e 'print \"Net::SMTP $Net::SMTP::VERSION (perl $^V)\\n\"'",
        _kit_script("perl", "net_smtp_client.pl"), frozenset(),
        "Perl's Net::SMTP, driven by the kit's net_smtp_client.pl; starttls() sends STARTTLS "
        "without looking for the keyword (a server that does not offer it refuses it); AUTH "
        "needs Authen::SASL, which picks the mechanism"),
    Client(
        "net-smtp-ruby", ("ruby",), ("ruby",),
        "ruby -rnet/smtp -e 'puts \"net-smtp #{Net::SMTP::VERSION} (ruby #{RUBY_VERSION})\"'",
        _kit_script("ruby", "ruby_net_smtp_client.rb"), frozenset(),
        "Ruby's net-smtp gem, driven by the kit's ruby_net_smtp_client.rb; uses STARTTLS when "
        "offered unless told not to (the plain ask turns that off); AUTH PLAIN unless told "
        "another mechanism; EHLO names 'localhost'"),
    Client(
        "phpmailer", ("php-cli", "libphp-phpmailer"),
        ("php", "/usr/share/php/libphp-phpmailer/autoload.php"),
        "php -r 'require \"/usr/share/php/libphp-phpmailer/autoload.php\"; echo "
        "\"PHPMailer \", PHPMailer\\PHPMailer\\PHPMailer::VERSION, \" (PHP \", PHP_VERSION, "
        "\")\\n\";'",
        _kit_script("php", "phpmailer_smtp_client.php"), frozenset({ADDS_EMPTY_LAST_LINE}),
        "PHPMailer's SMTP class, driven by the kit's phpmailer_smtp_client.php; data() ends "
        "the data with an empty line of its own when the message ends with a line break, "
        "turns a bare CR or LF into CRLF, and cuts lines over 998 octets; logs in with "
        "CRAM-MD5, LOGIN or PLAIN, in that order"),
    Client(
        "s-nail", ("s-nail",), ("s-nail", "sed"), "s-nail -V",
        {"plain": S_NAIL, "starttls": None, "tls": None, "auth": None},
        frozenset({REWRITES_HEADERS, HEADER_RECIPIENTS, SENDER_FROM_HEADER}),
        "a mail user agent: -t sends to the To:, Cc: and Bcc: of the message too; the "
        "reverse-path is the message's From: (its built-in SMTP ignores -r when there is "
        "one); rewrites the header section (a Date: of its own first, User-Agent:); greets "
        "with HELO, not EHLO, unless it needs an extension; reads the message as a local file "
        "with LF line ends (CRLF ones break its header parsing); its TLS host check knows DNS "
        "names only, never an IP address, so it cannot verify a server reached as 127.0.0.1: "
        "no TLS asks"),
    Client(
        "mutt", ("mutt",), ("mutt",), "mutt -v",
        {"plain": MUTT_ENV + MUTT_SET + 'ssl_force_tls=no ssl_starttls=no '
                  'smtp_url="smtp://$MUTT_HOST:$MUTT_PORT"' + MUTT_SEND,
         "starttls": MUTT_ENV + "MUTT_CA={ca-file} " + MUTT_SET + MUTT_TLS
                     + 'smtp_url="smtp://$MUTT_HOST:$MUTT_PORT"' + MUTT_SEND,
         "tls": MUTT_ENV + "MUTT_CA={ca-file} " + MUTT_SET + MUTT_TLS
                + 'smtp_url="smtps://$MUTT_HOST:$MUTT_PORT"' + MUTT_SEND,
         "auth": MUTT_ENV + "MUTT_CA={ca-file} MUTT_USER={user} MUTT_PASSWORD={password} "
                 + MUTT_SET + MUTT_TLS + 'smtp_pass="$MUTT_PASSWORD" '
                 'smtp_url="smtp://$MUTT_USER@$MUTT_HOST:$MUTT_PORT"' + MUTT_SEND},
        frozenset({REWRITES_HEADERS, HEADER_RECIPIENTS}),
        "a mail user agent: -H sends to the To:, Cc: and Bcc: of the message too, replaces "
        "its Date: and adds MIME-Version:, Content-Type: and Content-Disposition:; greets "
        "with HELO, not EHLO, when it needs no extension (the plain ask); the user "
        "name goes into smtp_url, so one with '@', ':' or '/' would need percent-encoding; "
        "logs in with SCRAM-SHA-256 when offered (GNU SASL)"),
)}


def start_relay(name, port, host="127.0.0.1", tls="may", workdir=None):
    """Postfix or Exim (RELAYS) started on a free loopback port as a relay that accepts every
    message from the loopback and passes it on to host:port, delivering nothing itself:
    STARTTLS when offered and unverified with tls="may", required with tls="encrypt"
    (peers.py, relay_to with no domain). Both start as root and drop to their own users;
    stop() stops them by PID. Submit a message with its submit(sender, recipients, data)."""
    if name not in RELAYS:
        raise KitError(f"no relay {name!r}: the relays are {', '.join(RELAYS)}")
    return peers.PEERS[name](workdir=workdir, relay_to=(host, port, None),
                             relay_tls=tls).start()
