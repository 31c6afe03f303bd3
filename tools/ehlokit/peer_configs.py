"""The configuration files of the test peers in peers.py: Postfix's main.cf and master.cf, Exim's
two configurations, Dovecot's submission service, OpenSMTPD's smtpd.conf and the mounts of its
private namespace.

Each accepts mail for one domain from anyone on the loopback, refuses to relay elsewhere, does
no DNS, and has no client that could send mail off the machine. The one exception is asked for:
with relay_to=(host, port, domain), Postfix and Exim also accept mail for that domain and relay
it to host:port (a server on the loopback), and nowhere else; with relay_to=(host, port, None)
they deliver nothing themselves and relay every message from the loopback there. relay_tls says
how: "encrypt" (STARTTLS required) or "may" (STARTTLS when offered); neither verifies the
certificate.
"""

POSTFIX_MAIN_CF = """\
# A private Postfix test peer: loopback only, no DNS, its own queue, log and configuration.
compatibility_level = 3.6
queue_directory = {workdir}/queue
data_directory = {workdir}/data
maillog_file = {workdir}/maillog
maillog_file_prefixes = {workdir}
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.{domain}
mydomain = {domain}
myorigin = {domain}
alias_maps =
alias_database =
smtp_dns_support_level = disabled
smtp_host_lookup = native
lmtp_host_lookup = native
smtpd_peername_lookup = no
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
biff = no
"""

# delivery="maildir": an MX for the domain; every recipient in it lands in one Maildir.
POSTFIX_MAILDIR = """\
mydestination =
mynetworks =
smtpd_relay_restrictions = reject_unauth_destination
virtual_mailbox_domains = {domain}
virtual_mailbox_base = {workdir}
virtual_mailbox_maps = static:maildir/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
virtual_transport = virtual
local_transport = error:no local delivery
default_transport = error:no relaying
relay_transport = error:no relaying
"""

# delivery="discard" (the benchmark's): every message is queued durably, then discarded.
POSTFIX_DISCARD = """\
mydestination = {domain}
mynetworks = 127.0.0.0/8
local_recipient_maps =
local_transport = discard:
default_transport = discard:
relay_transport = discard:
virtual_transport = discard:
"""

POSTFIX_TLS = """\
smtpd_tls_security_level = may
smtpd_tls_cert_file = {cert}
smtpd_tls_key_file = {key}
"""

# Only the services these set-ups use; none runs chrooted, and there is no smtp client at all
# (relay_to adds one, below).
POSTFIX_MASTER_CF = """\
127.0.0.1:{port} inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
virtual   unix  - n n -  - virtual
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
"""


# relay_to=(host, port, domain): mail for that domain goes to host:port, by default only over
# TLS (encrypt: TLS is required, the certificate is not verified; a test server's is
# self-signed).
POSTFIX_RELAY = """\
relay_domains = {relay_domain}
transport_maps = inline:{{ {relay_domain}=smtp:[{host}]:{port} }}
smtp_tls_security_level = {relay_tls}
smtp_tls_loglevel = 1
"""

# relay_to=(host, port, None): a relay for everything the loopback sends it, no local
# delivery at all (a local domain would keep mail for it here).
POSTFIX_RELAY_ALL = """\
mydestination =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
relayhost = [{host}]:{port}
local_transport = error:no local delivery
smtp_tls_security_level = {relay_tls}
smtp_tls_loglevel = 1
# One message per connection: the server behind judges each connection as one scenario.
smtp_connection_cache_on_demand = no
"""

# The smtp client that relay_to needs, and only then. It logs its whole dialogue with the
# relay host (debug_peer_list), so the log shows which commands it pipelined.
POSTFIX_SMTP_CLIENT = """\
smtp      unix  - - n -  - smtp -o debug_peer_list={host}
"""


def postfix_main_cf(workdir, domain, delivery, cert=None, key=None, relay_to=None,
                    relay_tls="encrypt"):
    relay_all = relay_to is not None and relay_to[2] is None
    text = POSTFIX_MAIN_CF
    if not relay_all:
        text += {"maildir": POSTFIX_MAILDIR, "discard": POSTFIX_DISCARD}[delivery]
    if cert:
        text += POSTFIX_TLS.format(cert=cert, key=key)
    text = text.format(workdir=workdir, domain=domain)
    if relay_to:
        host, port, relay_domain = relay_to
        text += (POSTFIX_RELAY_ALL if relay_all else POSTFIX_RELAY).format(
            host=host, port=port, relay_domain=relay_domain, relay_tls=relay_tls)
    return text


def postfix_master_cf(port, relay_to=None):
    text = POSTFIX_MASTER_CF.format(port=port)
    if relay_to:
        text += POSTFIX_SMTP_CLIENT.format(host=relay_to[0])
    return text


# Both Exim set-ups deliver mail for their domain into one Maildir, stamped as a final
# delivery is (Delivery-date, Envelope-to, Return-path).
EXIM_MAILDIR_DELIVERY = """\
to_maildir:
  driver = accept
  domains = +local_domains
  transport = maildir

begin transports
maildir:
  driver = appendfile
  directory = @WORKDIR@/maildir
  maildir_format = true
  user = Debian-exim
  group = Debian-exim
  delivery_date_add
  envelope_to_add
  return_path_add
"""

EXIM_CONF = """\
# A private Exim test peer: an MX for {domain} on the loopback, one Maildir, no DNS.
exim_path = {exim}
spool_directory = {workdir}/spool
log_file_path = {workdir}/log/%slog
keep_environment =
primary_hostname = mx.{domain}
domainlist local_domains = {domain} : mx.{domain}
domainlist relay_to_domains = {relay_domain}
local_interfaces = 127.0.0.1
host_lookup =
rfc1413_hosts =
smtputf8_advertise_hosts = *
chunking_advertise_hosts = *
pipelining_advertise_hosts = *
deliver_drop_privilege = true
acl_smtp_rcpt = check_rcpt
{tls}
begin acl
check_rcpt:
  accept domains = +local_domains
  accept domains = +relay_to_domains
  deny message = 5.7.1 relay not permitted

begin routers
{relay_router}
{maildir_delivery}{relay_transport}"""

EXIM_TLS = """\
tls_advertise_hosts = *
tls_certificate = {cert}
tls_privatekey = {key}
"""


# relay_to=(host, port, domain): a router that sends that domain's mail (every domain's when
# it is None: "*") to host:port, by a transport that must use TLS with relay_tls="encrypt" and
# tries it when offered with "may" (never verified: a test server's certificate is a test
# one). The log lines of a delivery then show TLS (X=), PIPELINING (L) and CHUNKING (K).
EXIM_RELAY_MAIN = """\
log_selector = +pipelining +tls_cipher +smtp_protocol_error
"""

EXIM_RELAY_ROUTER = """\
to_relay_host:
  driver = manualroute
  domains = +relay_to_domains
  route_list = * {host}
  self = send
  transport = relay_smtp
"""

EXIM_RELAY_TRANSPORT = """\

relay_smtp:
  driver = smtp
  port = {port}
  allow_localhost
  connection_max_messages = 1
{require_tls}  tls_verify_certificates =
"""


def exim_conf(exim, workdir, domain, tls, relay_to=None, relay_tls="encrypt"):
    """tls: {} for none, or {"cert": path, "key": path} readable by Debian-exim."""
    tls_lines = EXIM_TLS.format(**tls) if tls else "tls_advertise_hosts =\n"
    relay = {"relay_domain": "", "relay_router": "", "relay_transport": ""}
    if relay_to:
        host, port, relay_domain = relay_to
        tls_lines += EXIM_RELAY_MAIN
        require_tls = "  hosts_require_tls = *\n" if relay_tls == "encrypt" else ""
        relay = {"relay_domain": relay_domain or "*",
                 "relay_router": EXIM_RELAY_ROUTER.format(host=host),
                 "relay_transport": EXIM_RELAY_TRANSPORT.format(port=port,
                                                                require_tls=require_tls)}
    delivery = EXIM_MAILDIR_DELIVERY.replace("@WORKDIR@", str(workdir))
    return EXIM_CONF.format(exim=exim, workdir=workdir, domain=domain, tls=tls_lines,
                            maildir_delivery=delivery, **relay)


# The second Exim set-up ("exim-auth"): the same MX, run the way a stricter site might run it.
# AUTH PLAIN, LOGIN and CRAM-MD5 for one account (offered to all, never required); VRFY
# answered for the domain; PRDR and DSN offered; CHUNKING and SMTPUTF8 not offered; a 10 MB
# size limit and at most 50 recipients per message (the 51st refused).
EXIM_AUTH_MAIN = """\
exim_path = {exim}
spool_directory = {workdir}/spool
log_file_path = {workdir}/log/%slog
keep_environment =
primary_hostname = mx.{domain}
domainlist local_domains = {domain} : mx.{domain}
local_interfaces = 127.0.0.1
host_lookup =
rfc1413_hosts =
chunking_advertise_hosts =
smtputf8_advertise_hosts =
pipelining_advertise_hosts = *
auth_advertise_hosts = *
dsn_advertise_hosts = *
prdr_enable = true
message_size_limit = 10M
recipients_max = 50
recipients_max_reject = true
deliver_drop_privilege = true
acl_smtp_rcpt = check_rcpt
acl_smtp_vrfy = check_vrfy
{tls}
"""

# Not a format string (Exim's own braces): @MAILDIR_DELIVERY@, @WORKDIR@, @USER@ and
# @PASSWORD@ are replaced.
EXIM_AUTH_RULES = """\
begin acl
check_rcpt:
  accept domains = +local_domains
  deny message = 5.7.1 relay not permitted

check_vrfy:
  accept domains = +local_domains
  deny message = 5.7.1 not a local domain

begin routers
@MAILDIR_DELIVERY@
begin authenticators
plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = ${if and {{eq{$auth2}{@USER@}}{eq{$auth3}{@PASSWORD@}}}}
  server_set_id = $auth2

login:
  driver = plaintext
  public_name = LOGIN
  server_prompts = Username:: : Password::
  server_condition = ${if and {{eq{$auth1}{@USER@}}{eq{$auth2}{@PASSWORD@}}}}
  server_set_id = $auth1

cram_md5:
  driver = cram_md5
  public_name = CRAM-MD5
  server_secret = ${if eq{$auth1}{@USER@}{@PASSWORD@}fail}
  server_set_id = $auth1
"""


def exim_auth_conf(exim, workdir, domain, tls, account):
    """The "exim-auth" set-up; account = (user, password), letters and digits only."""
    tls_lines = EXIM_TLS.format(**tls) if tls else "tls_advertise_hosts =\n"
    rules = EXIM_AUTH_RULES.replace("@MAILDIR_DELIVERY@", EXIM_MAILDIR_DELIVERY)
    rules = rules.replace("@WORKDIR@", str(workdir))
    rules = rules.replace("@USER@", account[0]).replace("@PASSWORD@", account[1])
    return EXIM_AUTH_MAIN.format(exim=exim, workdir=workdir, domain=domain, tls=tls_lines) + rules


# Dovecot's submission service (RFC 6409): every client must log in (one account, in a
# passwd-file), then each message is relayed to relay_port on the loopback (a smtp-sink the
# peer starts beside it). Its own folders for everything; STARTTLS when given a certificate.
DOVECOT_CONF = """\
# A private Dovecot submission test peer on the loopback; relays to 127.0.0.1:{relay_port}.
instance_name = ehlo-peer-{port}
base_dir = {workdir}/run
state_dir = {workdir}/state
log_path = {workdir}/dovecot.log
protocols = submission
listen = 127.0.0.1
hostname = mx.{domain}
submission_host = mx.{domain}
postmaster_address = postmaster@{domain}
submission_relay_host = 127.0.0.1
submission_relay_port = {relay_port}
submission_relay_ssl = no
auth_mechanisms = plain login
disable_plaintext_auth = no
# The suite opens hundreds of sessions of one user from one address, and a session that
# crashes on pipelined input (Dovecot 2.3.19) keeps counting against the default of 10.
mail_max_userip_connections = 10000
mail_location = maildir:{workdir}/home/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {workdir}/users
}}
userdb {{
  driver = static
  args = uid=65534 gid=65534 home={workdir}/home
}}
service submission-login {{
  inet_listener submission {{
    address = 127.0.0.1
    port = {port}
  }}
}}
{tls}"""

DOVECOT_TLS = """\
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
ssl_dh = </usr/share/dovecot/dh.pem
"""


def dovecot_conf(workdir, domain, port, relay_port, cert=None, key=None):
    tls = DOVECOT_TLS.format(cert=cert, key=key) if cert else "ssl = no\n"
    return DOVECOT_CONF.format(workdir=workdir, domain=domain, port=port,
                               relay_port=relay_port, tls=tls)


OPENSMTPD_CONF = """\
# A private OpenSMTPD test peer: an MX for {domain} on the loopback, one Maildir (uid 65534).
table domains {{ "{domain}", "mx.{domain}" }}
table recipients {{ "@{domain}" = "nobody", "@mx.{domain}" = "nobody" }}
listen on 127.0.0.1 port {port} hostname mx.{domain}
action "deliver" maildir "{workdir}/maildir" virtual <recipients>
match from any for domain <domains> action "deliver"
"""


def opensmtpd_conf(workdir, domain, port):
    return OPENSMTPD_CONF.format(workdir=workdir, domain=domain, port=port)


# Run by `unshare --mount` with $1 the working folder, $2 the private tree, $3 smtpd: puts the
# peer's own folders where smtpd looks, then becomes smtpd (so its PID is the one to stop).
OPENSMTPD_MOUNTS = """\
set -e
mount --bind "$1/resolv.conf" /etc/resolv.conf
mount --bind "$1/spool" /var/spool
mount --bind "$1/run" /run
mount --bind "$1/varlib" /var/lib
mount --bind "$2/usr/libexec" /usr/libexec
exec "$3" -d -f "$1/smtpd.conf"
"""
