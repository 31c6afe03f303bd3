// Unit tests for serve/data_deadline: no pause over the data block timeout, and a minimum
// average rate for the message data as a whole.
#include <catch2/catch.hpp>

#include <chrono>

#include "serve/data_deadline.hpp"

using ehlo::serve::DataDeadline;
using namespace std::chrono_literals;

namespace {

const DataDeadline::Clock::time_point t0{};

}  // namespace

TEST_CASE("the first read of message data may take the whole data block timeout") {
    DataDeadline deadline(180s, 500);
    deadline.start(t0);
    CHECK(deadline.deadline() == t0 + 180s);
}

TEST_CASE("octets earn time at the minimum rate") {
    DataDeadline deadline(180s, 500);
    deadline.start(t0);
    deadline.received(50, t0 + 60s);  // 50 octets at 500 a second: 100 ms
    CHECK(deadline.deadline() == t0 + 180s + 100ms);
}

TEST_CASE("a pause never gets more than the data block timeout") {
    DataDeadline deadline(180s, 500);
    deadline.start(t0);
    // A fast client earns hours, but the next read must still come within 180 s.
    deadline.received(10'000'000, t0 + 1s);
    CHECK(deadline.deadline() == t0 + 1s + 180s);
    deadline.received(10'000'000, t0 + 100s);
    CHECK(deadline.deadline() == t0 + 100s + 180s);
}

TEST_CASE("a client that keeps up the rate is never cut") {
    DataDeadline deadline(10s, 500);
    deadline.start(t0);
    auto now = t0;
    for (int read = 0; read < 10'000; ++read) {
        now += 2s;  // 1,000 octets every 2 s: exactly the minimum rate
        REQUIRE(now <= deadline.deadline());
        deadline.received(1000, now);
    }
}

TEST_CASE("a trickle is cut about one data block timeout after the data began") {
    DataDeadline deadline(10s, 500);
    deadline.start(t0);
    auto now = t0;
    int octets = 0;
    // One octet a second: each pause is well inside the 10 s, yet the total runs out.
    while (now + 1s <= deadline.deadline()) {
        now += 1s;
        deadline.received(1, now);
        ++octets;
    }
    CHECK(octets == 10);
    CHECK(deadline.deadline() == t0 + 10s + 20ms);
}

TEST_CASE("start() gives a new message its own allowance") {
    DataDeadline deadline(10s, 500);
    deadline.start(t0);
    deadline.received(1, t0 + 9s);
    deadline.start(t0 + 60s);
    CHECK(deadline.deadline() == t0 + 70s);
}

TEST_CASE("a rate of 0 counts as 1 octet a second") {
    DataDeadline deadline(10s, 0);
    deadline.start(t0);
    deadline.received(3, t0 + 5s);
    CHECK(deadline.deadline() == t0 + 13s);
}
