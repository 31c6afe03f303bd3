// ehlo-server: the reference SMTP server's main. Its options, and how they
// become a server::Policy, a Store and a serve::Listener, are in server_main.cpp; every SMTP
// rule lives in reference/server, every byte of I/O in reference/serve, the TLS settings in
// reference/net.
#include "apps/server_main.hpp"

int main(int argc, char** argv) {
    return ehlo::apps::run_server(argc, argv);
}
