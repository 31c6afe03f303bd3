// Layer: conformance/engine (pure, no I/O). Runs one scenario as a sequence of requests to a
// driver: the run says what to do next (open a connection, write these bytes, read one reply,
// do a TLS handshake, wait, close), the driver does it and reports back what happened. So the
// whole logic of a scenario (repeats, the `C>` queue sent with the next `S:`, variables,
// matching each reply, the verdict and the wire log) is tested by feeding replies, with no
// socket; the driver in conformance/check is the thin I/O shell (design.md §2, §3).
// Time is passed in by the driver, as the time since the scenario started.
#pragma once

#include <chrono>
#include <string>
#include <variant>
#include <vector>

#include "engine/reply_match.hpp"
#include "engine/result.hpp"
#include "scenario/scenario.hpp"

namespace ehlo::engine {

using Millis = std::chrono::milliseconds;

/// Open connection `connection` (TCP; then, for `implicit_tls`, the handshake at once,
/// RFC 8314 §3). The driver answers `connected()` or `failed()`.
struct OpenConnection {
    int connection = 1;
    bool implicit_tls = false;
    friend bool operator==(const OpenConnection&, const OpenConnection&) = default;
};
/// Write `bytes` in one write on `connection`. Answer: `written()` or `failed()`.
struct WriteBytes {
    int connection = 1;
    std::string bytes;
    friend bool operator==(const WriteBytes&, const WriteBytes&) = default;
};
/// Read one whole reply on `connection` (or the close, a time-out, malformed bytes).
/// Answer: `received()`.
struct ReadReply {
    int connection = 1;
    friend bool operator==(const ReadReply&, const ReadReply&) = default;
};
/// The STARTTLS handshake on `connection` (RFC 3207 §4): bytes the server sent before it, if
/// any, were read by the driver and must be reported. Answer: `connected()` or `failed()`.
struct Handshake {
    int connection = 1;
    friend bool operator==(const Handshake&, const Handshake&) = default;
};
/// Sleep `duration` (the `wait` step). Answer: `waited()`.
struct Sleep {
    Millis duration{0};
    friend bool operator==(const Sleep&, const Sleep&) = default;
};
/// Close `connection` (the `close` step, or the end of the scenario). Answer: `closed()`.
struct CloseConnection {
    int connection = 1;
    friend bool operator==(const CloseConnection&, const CloseConnection&) = default;
};
/// The scenario is over: read `result()`. The driver closes whatever is still open.
struct Finished {
    friend bool operator==(const Finished&, const Finished&) = default;
};

using Request = std::variant<OpenConnection, WriteBytes, ReadReply, Handshake, Sleep,
                             CloseConnection, Finished>;

/// One run of one scenario. Use: `for (auto r = run.next(now); !finished; r = run.next(now))`,
/// answering each request with exactly one of the calls below before asking for the next.
class ScenarioRun {
  public:
    /// `variables` fills `{client}`, `{from}`, ...; a scenario using a variable without a value
    /// finishes at once with SKIP, naming the variable.
    ScenarioRun(const scenario::Scenario& scenario, scenario::Variables variables);

    Request next(Millis now);

    void connected(Millis now);
    void written(Millis now);
    void received(const Received& received, Millis now);
    void waited(Millis now);
    void closed(Millis now);
    /// The request could not be carried out (connection refused, handshake failed, write on a
    /// closed connection): the scenario ends in ERROR with `why`, unless the step being run
    /// expects the close (a write after the server closed is then part of the expected end).
    void failed(std::string why, Millis now);

    const ScenarioResult& result() const;

  private:
    struct State;
    // Implementation detail left to scenario_run.cpp.
};

}  // namespace ehlo::engine
