<?php
// PHPMailer's SMTP class (Debian's libphp-phpmailer, run by php-cli) as a command-line SMTP
// client, one of the real clients of clients.py: sends the message in a file to one recipient
// (SMTP::data makes its line ends CRLF, dot-stuffs it, RFC 5321 §4.5.2, and cuts lines over
// 998 octets) and exits 0 only when the server accepted it. PHPMailer's own send() builds a
// new MIME message; its SMTP class is what carries a message that exists already.
//
//   php phpmailer_smtp_client.php --host H --port P --from F --rcpt R --message FILE
//                                 [--starttls | --tls] [--ca-file CA] [--user U --password PW]
//
// --starttls sends STARTTLS and gives up when it is refused; --tls is implicit TLS
// (RFC 8314 §3); either verifies the certificate and the host name against --ca-file (PHP's
// stream context). --user and --password log in with the first of CRAM-MD5, LOGIN, PLAIN
// offered.

require '/usr/share/php/libphp-phpmailer/autoload.php';

use PHPMailer\PHPMailer\SMTP;

function give_up($smtp, $what)
{
    $error = $smtp->getError();
    fwrite(STDERR, "phpmailer_smtp_client: $what failed: " . ($error['error'] ?? '') . ' '
        . ($error['smtp_code'] ?? '') . ' ' . ($error['detail'] ?? '') . "\n");
    if ($smtp->connected()) {
        $smtp->quit();  // as a careful application ends the session: QUIT, RFC 5321 §4.1.1.10
    }
    exit(1);
}

$option = getopt('', ['host:', 'port:', 'from:', 'rcpt:', 'message:', 'starttls', 'tls',
                      'ca-file:', 'user:', 'password:']);
foreach (['host', 'port', 'from', 'rcpt', 'message'] as $name) {
    if (!isset($option[$name])) {
        fwrite(STDERR, "phpmailer_smtp_client: --$name is required\n");
        exit(2);
    }
}
$data = file_get_contents($option['message']);
if ($data === false) {
    exit(1);
}
$verify = ['verify_peer' => true, 'verify_peer_name' => true, 'peer_name' => $option['host']];
if (isset($option['ca-file'])) {
    $verify['cafile'] = $option['ca-file'];
}
$smtp = new SMTP();
$smtp->Timeout = 60;
$host = (isset($option['tls']) ? 'tls://' : '') . $option['host'];
if (!$smtp->connect($host, (int) $option['port'], 60, ['ssl' => $verify])) {
    give_up($smtp, 'connect');
}
if (!$smtp->hello('localhost')) {
    give_up($smtp, 'EHLO');
}
if (isset($option['starttls'])) {
    // A second EHLO after the handshake: what the server offered before it is forgotten.
    if (!$smtp->startTLS() || !$smtp->hello('localhost')) {
        give_up($smtp, 'STARTTLS');
    }
}
if (isset($option['user'])
    && !$smtp->authenticate($option['user'], $option['password'] ?? '')) {
    give_up($smtp, 'AUTH');
}
if (!$smtp->mail($option['from']) || !$smtp->recipient($option['rcpt'])) {
    give_up($smtp, 'MAIL or RCPT');
}
if (!$smtp->data($data)) {
    give_up($smtp, 'DATA');
}
$smtp->quit();
exit(0);
