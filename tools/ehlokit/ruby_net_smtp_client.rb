# Ruby's net-smtp (the gem bundled with Debian's ruby) as a command-line SMTP client, one of the
# real clients of clients.py: sends the message in a file to one recipient (send_message makes
# its line ends CRLF and dot-stuffs it, RFC 5321 §4.5.2) and exits 0 only when the server
# accepted it.
#
#   ruby ruby_net_smtp_client.rb --host H --port P --from F --rcpt R --message FILE
#                                [--starttls | --tls] [--ca-file CA] [--user U --password PW]
#
# Without --starttls and --tls, net-smtp's own default (STARTTLS when offered) is turned off:
# the session stays in plain text. --starttls requires STARTTLS (net-smtp raises when it is not
# offered), --tls is implicit TLS (RFC 8314 §3); either verifies the certificate and the host
# name against --ca-file. --user and --password log in with AUTH PLAIN, net-smtp's default.
require 'net/smtp'
require 'openssl'
require 'optparse'

options = {}
OptionParser.new do |parser|
  %w[host port from rcpt message ca-file user password].each do |name|
    parser.on("--#{name} VALUE") { |value| options[name] = value }
  end
  parser.on('--starttls') { options['starttls'] = true }
  parser.on('--tls') { options['tls'] = true }
end.parse!
%w[host port from rcpt message].each do |name|
  abort "ruby_net_smtp_client: --#{name} is required" unless options.key?(name)
end

context_params = { verify_mode: OpenSSL::SSL::VERIFY_PEER }  # chain and host name
context_params[:ca_file] = options['ca-file'] if options['ca-file']
smtp = Net::SMTP.new(options['host'], Integer(options['port']),
                     ssl_context_params: context_params)
if options['tls']
  smtp.enable_tls
elsif options['starttls']
  smtp.enable_starttls
else
  smtp.disable_starttls
end
smtp.open_timeout = smtp.read_timeout = 60
data = File.binread(options['message'])
begin
  smtp.start(helo: 'localhost', user: options['user'], secret: options['password']) do |session|
    session.send_message(data, options['from'], options['rcpt'])
  end
rescue StandardError => e
  warn "ruby_net_smtp_client: not sent: #{e.class}: #{e.message}"
  exit 1
end
