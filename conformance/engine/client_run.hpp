// Layer: conformance/engine (pure, no I/O). Runs one client scenario (`role: client`,
// docs/scenario-format.md, "Client scenarios") as requests to a driver, as ScenarioRun does for
// a server scenario, with the roles turned round: ehlo-check accepts the client's connection,
// sends the `S:` replies, reads the client's lines and matches them against the `C:` steps,
// watches for silence (RFC 5321 §4.3.1: a client waits for each reply), and reads the mail
// data and BDAT chunks for the checks of data_checks.hpp. The driver in conformance/check does
// the I/O: the listening socket, the client's process, TLS and the clocks.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/data_checks.hpp"
#include "engine/result.hpp"
#include "engine/scenario_run.hpp"
#include "engine/transcript.hpp"
#include "scenario/scenario.hpp"

namespace ehlo::engine {

/// Wait for the client to connect (with the TLS handshake at once for implicit TLS,
/// RFC 8314 §3). Answer: `connected()` or `failed()`.
struct AcceptClient {
    bool implicit_tls = false;
    friend bool operator==(const AcceptClient&, const AcceptClient&) = default;
};
/// Write `bytes` to the client in one write. Answer: `written()` or `failed()`.
struct SendToClient {
    std::string bytes;
    friend bool operator==(const SendToClient&, const SendToClient&) = default;
};
/// Read one line, through its LF. Answer: `received()`.
struct ReadClientLine {
    friend bool operator==(const ReadClientLine&, const ReadClientLine&) = default;
};
/// Read the mail data through the line that holds only a period (its CR optional, so a client
/// ending lines in bare LFs is still read to its end). Answer: `received()`.
struct ReadMailData {
    friend bool operator==(const ReadMailData&, const ReadMailData&) = default;
};
/// Read exactly `octets` octets (a BDAT chunk). Answer: `received()`.
struct ReadOctets {
    std::size_t octets = 0;
    friend bool operator==(const ReadOctets&, const ReadOctets&) = default;
};
/// Watch the connection for `duration` without taking any byte off it. Answer: `received()`
/// with `quiet`, `closed`, or `bytes` holding what arrived (still to be read by the next step).
struct WatchSilence {
    Millis duration{0};
    friend bool operator==(const WatchSilence&, const WatchSilence&) = default;
};
/// The server's side of the STARTTLS handshake (RFC 3207 §4). Answer: `connected()` or
/// `failed()`.
struct ServerHandshake {
    friend bool operator==(const ServerHandshake&, const ServerHandshake&) = default;
};

using ClientRequest =
    std::variant<AcceptClient, SendToClient, ReadClientLine, ReadMailData, ReadOctets, WatchSilence,
                 ServerHandshake, Sleep, CloseConnection, Finished>;

/// What the driver read for a request.
struct ClientInput {
    enum class Kind {
        bytes,      ///< the line, the data or the chunk, whole; for WatchSilence what arrived
        quiet,      ///< WatchSilence: nothing arrived
        closed,     ///< the client closed the connection; `bytes` holds what came before
        timed_out,  ///< nothing more within the time limit; `bytes` holds what came before
        too_long,   ///< more than the runner keeps (a line of 64 KiB, data of 32 MiB)
    };
    Kind kind = Kind::bytes;
    std::string bytes;

    static ClientInput of(std::string bytes) { return {Kind::bytes, std::move(bytes)}; }
    static ClientInput quiet() { return {Kind::quiet, {}}; }
    static ClientInput closed(std::string partial = {}) {
        return {Kind::closed, std::move(partial)};
    }
    static ClientInput timed_out(std::string partial = {}) {
        return {Kind::timed_out, std::move(partial)};
    }
    static ClientInput too_long() { return {Kind::too_long, {}}; }
};

/// One run of one client scenario; used like ScenarioRun: ask `next()`, answer each request
/// with exactly one call, until `Finished`.
///
/// - A `C:` line that fits an alternative gets that alternative's verdict (`=> FAIL` the
///   broken verdict of the scenario's level). A line that fits none, or a close no `<close>`
///   accepts, ends the scenario in ERROR: the client left the script, and the scenario does
///   not judge the path it took.
/// - Every command line goes through `check_command_line`, the data of `data` through
///   `check_mail_data`, the chunks of `chunk` through `check_chunked_data` once the last one
///   is in; each finding earns the broken verdict its row allows (scenario.check_rows).
/// - `silent` broken gives the broken verdict of the scenario's level; the bytes stay for the
///   next `C:`.
/// - WARN and INFO go on; FAIL and ERROR end the scenario. The client never connecting, a
///   time-out, or a failed handshake end it in ERROR.
class ClientRun {
  public:
    /// `variables` fills `{from}`, `{rcpt}`, `{server}`, ...; `time_scale` multiplies `wait`.
    ClientRun(const scenario::Scenario& scenario, scenario::Variables variables,
              double time_scale = 1.0);

    ClientRequest next(Millis now);
    void connected(Millis now);
    void written(Millis now);
    void received(const ClientInput& input, Millis now);
    void waited(Millis now);
    void closed(Millis now);
    void failed(std::string why, Millis now);

    /// Leaves the connection open at the end (for `--listen`, whose first run only reads up to
    /// the recipient that picks the scenario).
    void keep_open() { keep_open_ = true; }
    /// The message the client sends is not the scenario's (`--listen`: the client's user chose
    /// it): the checks that compare the data with the message are left out.
    void message_unknown() { message_known_ = false; }
    /// Whether the client connected.
    bool accepted() const { return accepted_; }
    /// The client's last line that fitted a `C:` step, without its line end.
    const std::string& last_command() const { return last_command_; }

    /// The verdict and its evidence; complete once `next()` returned `Finished`.
    const ScenarioResult& result() const { return result_; }

  private:
    enum class Waiting {
        nothing,
        accept,
        write,
        line,
        data,
        chunk,
        silence,
        handshake,
        sleep,
        close
    };

    std::optional<ClientRequest> advance();
    std::optional<ClientRequest> run_step(const scenario::ClientStep& step);
    ClientRequest issue(Waiting waiting, ClientRequest request);
    bool answering(Waiting waiting, Millis now);
    void judge_line(const scenario::Command& command, const ClientInput& input);
    void take_line(const scenario::Command& command, const std::string& line);
    void judge_silence(const ClientInput& input);
    void judge_data(const ClientInput& input);
    void judge_chunk(const ClientInput& input);
    bool input_missing(const ClientInput& input, const std::string& what);
    void apply(const std::vector<DataFinding>& findings);
    /// Keeps `verdict` when it is the worst yet. `requirement` is the row it rests on, empty
    /// for none; without it, the row is the first cited one that allows the verdict.
    void record(Verdict verdict, std::string reason,
                std::optional<std::string> requirement = std::nullopt);
    void record_alternative(const scenario::LineAlternative& alternative, std::string reason);
    void off_script(const std::string& what, const scenario::Command& command);
    void end(Verdict verdict, std::string reason);
    void complete_step();
    /// After `alternative` fitted: the next step, or its label's.
    void go_on(const scenario::LineAlternative& alternative);
    void log(LogLine::Side side, const std::string& bytes);
    void note(std::string text);
    const scenario::ClientStep& step() const { return steps_[pc_]; }

    std::vector<scenario::ClientStep> steps_;
    scenario::Level level_;
    std::vector<scenario::CitedRequirement> cited_;
    std::vector<scenario::CitedRequirement> check_rows_;
    scenario::Variables variables_;
    double time_scale_ = 1.0;
    std::string last_line_;  ///< the message's last line, for the data checks
    std::size_t pc_ = 0;
    std::vector<std::pair<std::size_t, int>> loops_;  ///< start of a repeat, rounds left
    Waiting waiting_ = Waiting::nothing;
    ClientRequest request_;
    bool ended_ = false;
    bool finished_ = false;
    bool accepted_ = false;
    bool open_ = false;  ///< accepted, and closed by neither side since
    bool keep_open_ = false;
    bool message_known_ = true;
    bool client_close_accepted_ = false;  ///< the client closed, and a `<close>` took it
    bool check_decided_ = false;          ///< the verdict came from a check, not a cited row
    std::string last_command_;            ///< the client's last line, for reasons
    Declared declared_;                   ///< what the client's MAIL declared
    std::size_t chunk_size_ = 0;          ///< what its last BDAT announced
    bool chunk_last_ = false;
    bool after_chunk_ = false;  ///< the last step read a chunk
    std::string chunks_;        ///< the BDAT text so far
    Millis now_{0};
    Transcript transcript_;
    ScenarioResult result_;
};

/// How the client's process ended, for `--exec`.
struct ClientExit {
    bool exited = false;  ///< it ended by itself
    int status = 0;       ///< its exit status, when it exited
    int signal = 0;       ///< the signal that ended it, or 0
    bool killed = false;  ///< the runner ended it (it outlived the scenario)
    std::string output;   ///< the tail of what it wrote on stdout and stderr
};

/// Adds what the client's exit says to `result`: its status and output, and a WARN when the
/// status contradicts `expected` (a message refused but exit 0 tells the caller it was sent;
/// no RFC binds exit statuses, so WARN at most).
void judge_client_exit(ScenarioResult& result, scenario::Outcome expected, const ClientExit& exit);

}  // namespace ehlo::engine
