// Layer: apps. The check of a `HOST:PORT` option, shared by the programs' command lines
// (every program writes addresses as HOST:PORT, IPv6 as [::1]:PORT). The parsing itself is
// net::parse_host_port's; this only hands its error to CLI11, which prints it as a usage error.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "net/address.hpp"

namespace ehlo::apps {

/// A CLI11 validator that accepts what net::parse_host_port reads and gives its error text
/// otherwise, so the message names what is wrong with the address.
inline CLI::Validator host_port_check() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            try {
                net::parse_host_port(text);
                return {};
            } catch (const net::AddressError& error) {
                return error.what();
            }
        },
        "");
}

}  // namespace ehlo::apps
