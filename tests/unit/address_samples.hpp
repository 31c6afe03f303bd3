// Test support: sample addresses of a given size, for the limits of RFC 5321 §4.5.3.1.
#pragma once

#include <cstddef>
#include <string>

namespace ehlo::test {

/// A domain of exactly `length` octets, in ASCII labels of 63 letters.
inline std::string domain_of_length(std::size_t length) {
    std::string domain;
    while (domain.size() < length)
        domain += (domain.size() % 64 == 63) ? '.' : 'd';
    if (domain.back() == '.') domain.back() = 'd';
    return domain;
}

}  // namespace ehlo::test
