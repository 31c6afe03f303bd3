// Test support for the sasl unit tests: a small user table and readers of a Step.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <variant>

#include "sasl/credentials.hpp"
#include "sasl/mechanism.hpp"

namespace ehlo::test {

/// alice (with a CRAM-MD5 secret) and bob (without), iteration count kept at the minimum.
inline const sasl::Credentials& sasl_users() {
    static const sasl::Credentials users = [] {
        sasl::Credentials c;
        c.add(sasl::make_user_record("alice", "wonderland", "salt-of-alice", 4096, true));
        c.add(sasl::make_user_record("bob", "builder", "salt-of-bob", 4096, false));
        return c;
    }();
    return users;
}

/// The bytes of a Challenge; fails the test for any other step.
inline std::string challenge(const sasl::Step& step) {
    REQUIRE(std::holds_alternative<sasl::Challenge>(step));
    return std::get<sasl::Challenge>(step).bytes;
}

/// The identity of a Success; fails the test for any other step.
inline std::string identity(const sasl::Step& step) {
    REQUIRE(std::holds_alternative<sasl::Success>(step));
    return std::get<sasl::Success>(step).identity;
}

/// The reason of a Failed step; fails the test for any other step.
inline sasl::Failure failure(const sasl::Step& step) {
    REQUIRE(std::holds_alternative<sasl::Failed>(step));
    return std::get<sasl::Failed>(step).reason;
}

}  // namespace ehlo::test
