#!/usr/bin/perl
# Perl's Net::SMTP (libnet, in perl's core) as a command-line SMTP client, one of the real
# clients of clients.py: sends the message in a file to one recipient (datasend makes its line
# ends CRLF and dot-stuffs it, RFC 5321 §4.5.2) and exits 0 only when the server accepted it.
#
#   net_smtp_client.pl --host H --port P --from F --rcpt R --message FILE
#                      [--starttls | --tls] [--ca-file CA] [--user U --password PW]
#
# --starttls sends STARTTLS and gives up when it is refused; --tls is implicit TLS
# (RFC 8314 §3); either verifies the certificate and the host name (IO::Socket::SSL) against
# --ca-file. --user and --password log in with Authen::SASL (libauthen-sasl-perl), which picks
# the mechanism among those offered.
use strict;
use warnings;
use Getopt::Long;
use Net::SMTP;

my %option;
GetOptions(\%option, 'host=s', 'port=i', 'from=s', 'rcpt=s', 'message=s', 'starttls', 'tls',
           'ca-file=s', 'user=s', 'password=s')
    or exit 2;
for my $name (qw(host port from rcpt message)) {
    defined $option{$name} or die "net_smtp_client: --$name is required\n";
}

sub give_up {
    my ($smtp, $what) = @_;
    my $reply = $smtp ? join('', $smtp->code // '', ' ', $smtp->message // '') : $@;
    no warnings 'once';
    my $tls = $IO::Socket::SSL::SSL_ERROR ? " ($IO::Socket::SSL::SSL_ERROR)" : '';
    print STDERR "net_smtp_client: $what failed: $reply$tls\n";
    $smtp->quit if $smtp;    # as a careful application ends the session: QUIT, RFC 5321 §4.1.1.10
    exit 1;
}

my @verify = (SSL_verify_mode => 1);    # SSL_VERIFY_PEER: chain and host name
push @verify, (SSL_ca_file => $option{'ca-file'}) if defined $option{'ca-file'};

open(my $file, '<:raw', $option{message}) or die "net_smtp_client: $option{message}: $!\n";
my $data = do { local $/; <$file> };
close $file;

my $smtp = Net::SMTP->new($option{host}, Port => $option{port}, Timeout => 60,
                          ($option{tls} ? (SSL => 1, @verify) : ()))
    or give_up(undef, 'connect');
if ($option{starttls}) {
    $smtp->starttls(@verify) or give_up($smtp, 'STARTTLS');
}
if (defined $option{user}) {
    $smtp->auth($option{user}, $option{password} // '') or give_up($smtp, 'AUTH');
}
$smtp->mail($option{from}) or give_up($smtp, 'MAIL');
$smtp->to($option{rcpt}) or give_up($smtp, 'RCPT');
$smtp->data($data) or give_up($smtp, 'DATA');
$smtp->quit;
exit 0;
