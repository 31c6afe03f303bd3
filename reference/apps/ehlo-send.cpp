// ehlo-send: the reference SMTP client's main. Its options, and how they become a
// client::Session run by client::run, are in send_main.cpp; every SMTP rule of the client lives
// in reference/client, the TLS settings in reference/net.
#include "apps/send_main.hpp"

int main(int argc, char** argv) {
    return ehlo::apps::run_send(argc, argv);
}
