// Layer: conformance/engine (pure, no I/O). Runs one scenario as a sequence of requests to a
// driver: the run says what to do next (open a connection, write these bytes, read one reply,
// do a TLS handshake, wait, close), the driver does it and reports back what happened. So the
// whole logic of a scenario (repeats, the `C>` queue sent with the next `S:`, variables,
// matching each reply, the verdict and the wire log) is tested by feeding replies, with no
// socket; the driver in conformance/check is the thin I/O shell (docs/architecture.md).
// Time is passed in by the driver, as the time since the scenario started.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/reply_match.hpp"
#include "engine/result.hpp"
#include "engine/transcript.hpp"
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
///
/// The run follows docs/scenario-format.md:
/// - A connection is opened just before its first step (for connection 1, the first step of
///   the scenario; for N, the first step after `connection N`). When that step is `tls`, the
///   connection is opened with implicit TLS and the step is done RFC 8314 §3.
/// - `C:` writes the line and CRLF, `C~` the bytes, exactly; `C>` queues the line and CRLF,
///   and the next `S:` writes the whole queue in one write before it reads RFC 2920 §3.1.
/// - Each `S:` is matched with `match()`; the scenario's verdict is the worst step verdict.
///   WARN and INFO go on; a broken step ends the scenario (`step_verdict()`).
/// - A time-out or a malformed reply ends the scenario in ERROR. Once the server closed a
///   connection, no request goes to it again: an `S:` accepting `<close>` takes that close,
///   a `C:`, `C~` or `C>` before such an `S:` is not sent, `wait` still waits, `close` does
///   nothing; any other step ends the scenario in ERROR. After a write that the server's close
///   cut short, the `C:`, `C~` and `C>` steps up to the next `S:` are not sent either.
/// - When the scenario ends, however it ends, each connection still open gets one
///   `CloseConnection`, then `Finished`. A connection the server closed gets none.
/// - Asking `next()` again before answering repeats the request; an answer to a request that
///   was not made ends the scenario in ERROR.
class ScenarioRun {
  public:
    /// `variables` fills `{client}`, `{from}`, ...; a scenario using a variable without a value
    /// finishes at once with SKIP, naming the variable. `time_scale` multiplies the duration of
    /// every `wait` (`--time-scale`), so a wait of the RFC's minutes can run in seconds against
    /// a server given timeouts scaled alike; a scaled wait lasts at least 1 ms.
    ScenarioRun(const scenario::Scenario& scenario, scenario::Variables variables,
                double time_scale = 1.0);

    /// The next request; `now` is the time since the scenario started.
    Request next(Millis now);

    /// Answers `OpenConnection` and `Handshake`: done.
    void connected(Millis now);
    /// Answers `WriteBytes`: every byte was written. `replies_waiting` says the driver held
    /// unread reply bytes when the write began: when the last thing on the connection was a
    /// reply read, they answer nothing the run sent: the next `S:` takes such a reply as a
    /// broken step, never as the answer to this write RFC 5321 §4.2 (a 421 excepted,
    /// RFC 5321 §3.8).
    void written(Millis now, bool replies_waiting = false);
    /// Answers `WriteBytes`: the server closed (or reset) the connection before every byte
    /// was written. The run goes on as after a write: the next `S:` reads what the server sent
    /// before it closed, or its close, and judges that. So a server that answers and hangs up
    /// is judged the same whether its close reaches the client during a write or after it.
    void write_cut_short(std::string why, Millis now);
    /// Answers `ReadReply`: a reply, the server closing, a time-out, or malformed bytes.
    void received(const Received& received, Millis now);
    /// Answers `Sleep`.
    void waited(Millis now);
    /// Answers `CloseConnection`.
    void closed(Millis now);
    /// The request could not be carried out (connection refused, handshake failed, write on a
    /// closed connection): the scenario ends in ERROR with `why`, unless the step being run
    /// expects the close (a write after the server closed is then part of the expected end).
    /// Precisely: a failed `WriteBytes` when the next `S:` on that connection accepts
    /// `<close>` counts as the server having closed it.
    void failed(std::string why, Millis now);

    /// The verdict and its evidence. Complete (the wire log included) once `next()` returned
    /// `Finished`.
    const ScenarioResult& result() const;

  private:
    /// The request the driver has not answered yet.
    enum class Waiting { nothing, open, write, read, handshake, sleep, close };
    /// One connection as the run sees it.
    struct Link {
        bool open = false;           ///< opened, and closed by neither side since
        bool client_closed = false;  ///< by a `close` step
        int server_closed_line = 0;  ///< the step at which the server closed it; 0 if it did not
        bool talked = false;         ///< something was written or read on it
        /// A write was cut short by the server's close: later writes are not tried (they
        /// could only fail, or hang); the next `S:` reads what the server sent before it.
        bool write_cut = false;
        /// The lines of the last `C>` queue whose replies are still to come, in order, and the
        /// last line written by `C:` or `C~` and not yet answered: what a reply answers, for
        /// the reason of a verdict.
        std::deque<std::string> queued;
        std::optional<std::string> last_line;
        int last_code = 0;  ///< the code of the last reply read, for `<same>`; 0 for none
        /// The server said 421: it closes next RFC 5321 §3.8, so that close, and the steps
        /// the scenario had for the connection after it, are no deviation and are not judged.
        bool closing_announced = false;
        bool idle_since_reply = false;   ///< a reply was read, and nothing written since
        bool write_after_reply = false;  ///< the write under way began in that state
        /// Replies were waiting when such a write began: the next reply read came before the
        /// command it would answer.
        bool early_reply = false;
    };
    /// An open `repeat` block: where its steps start, and how many more rounds to run.
    struct Loop {
        std::size_t start = 0;
        int left = 0;
    };

    std::optional<Request> advance();
    std::optional<Request> run_step(const scenario::Step& step, Link& link);
    std::optional<Request> run_on_closed(const scenario::Step& step, Link& link);
    std::optional<Request> run_expect(const scenario::Step& step, Link& link);
    Request write(std::string bytes, int step_line);
    Request sleep(const scenario::Wait& wait, int step_line);
    Request issue(Waiting waiting, Request request);
    bool answering(Waiting waiting, Millis now);
    void judge(const scenario::Step& step, const Received& received, const Answered& answered,
               Link& link);
    bool judge_early_reply(const scenario::Step& step, const Received& received,
                           const Answered& answered, Link& link);
    std::optional<Request> skip_after_421(const scenario::Step& step, Link& link);
    bool close_expected() const;
    void complete_step();
    void end(Verdict verdict, std::string reason, int line, std::string explanation);
    void note(int connection, std::string text, int step_line);
    void log(LogLine::Side side, int connection, std::string text, int step_line);
    int step_line() const;
    static Answered answered_by(Link& link);

    std::vector<scenario::Step> steps_;
    scenario::Level level_;  ///< the weaker of the scenario's level and its rows' ceiling
    std::vector<scenario::CitedRequirement> cited_;
    scenario::Variables variables_;
    double time_scale_ = 1.0;
    std::size_t pc_ = 0;  ///< the step being run
    std::vector<Loop> loops_;
    std::map<int, Link> links_;
    int current_ = 1;
    std::string queue_;  ///< the `C>` bytes not sent yet
    Waiting waiting_ = Waiting::nothing;
    Request request_;
    bool ended_ = false;     ///< the verdict is fixed; what is still open gets closed
    bool finished_ = false;  ///< `Finished` was returned
    Millis now_{0};
    Transcript transcript_;
    ScenarioResult result_;
};

}  // namespace ehlo::engine
