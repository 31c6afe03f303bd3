// Fuzz target: the server's state machine, driven as the network driver drives it
// (server::Connection: bytes in, replies and actions out), over a sequence of reads.
// The settings byte picks the policy: STARTTLS offered, --require-tls, AUTH (with a users and
// a tokens table), submission (AUTH required), small limits, implicit TLS, failing commits,
// and extensions switched off.
// Checks, beyond the sanitizers:
//  - the server never answers one command with two replies: in the annotated trace, at most
//    one reply follows each client line (a command, an AUTH response, the end of message data
//    or of a BDAT chunk), and the greeting is the only reply before the first one;
//  - the reply text is well-formed RFC 5321 §4.2: it parses with lines within 512 octets
//    RFC 5321 §4.5.3.1.5, codes 2xx to 5xx, and as many replies as the trace shows;
//  - store actions come in order: begin, then appends, then a commit or an abort; never
//    data, a commit or an abort without an open message, nor a message begun over an open
//    one;
//  - once closed, the connection reads nothing more.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_input.hpp"
#include "server/connection.hpp"
#include "wire/reply_codec.hpp"

namespace {

using namespace ehlo::server;
using ehlo::fuzz::check;

std::shared_ptr<const ehlo::sasl::Credentials> fuzz_users() {
    auto users = std::make_shared<ehlo::sasl::Credentials>();
    users->add(ehlo::sasl::make_user_record("alice", "wonderland", "salt-of-alice", 1, true));
    return users;
}

Policy make_policy(std::uint8_t settings) {
    Policy policy;
    policy.hostname = "mx.example.test";
    policy.domains = {"example.test"};
    policy.aliases = {{"moved@example.test", "new@example.test"},
                      {"gone@example.test", "someone@elsewhere.test"}};
    if (settings & 0x01) policy.extensions.insert(Extension::starttls);
    policy.require_tls = (settings & 0x03) == 0x03;
    if (settings & 0x04) {
        static const auto users = fuzz_users();
        auto tokens = std::make_shared<ehlo::sasl::Tokens>();
        tokens->add("carol", "t0ken-c4rol");
        policy.auth.users = users;
        policy.auth.tokens = std::move(tokens);
        policy.auth.allow_plaintext = true;
        policy.auth.required = (settings & 0x08) != 0;
        policy.auth.random = [] { return std::string("fixedrandom"); };
    }
    if (settings & 0x10) {
        policy.limits.max_message_size = 64;
        policy.limits.max_transactions = 2;
    }
    if (settings & 0x80) {
        policy.extensions.erase(Extension::pipelining);
        policy.extensions.erase(Extension::chunking);
        policy.extensions.erase(Extension::binarymime);
        policy.extensions.erase(Extension::smtputf8);
    }
    return policy;
}

class Driver {
  public:
    Driver(const Policy& policy, bool fail_commits)
        : connection_(policy, Peer{"192.0.2.7", 42}, true), fail_commits_(fail_commits) {}

    void start(bool tls) {
        carry_out(connection_.start(now(), tls));
        check(replies_since_line_ == 1 || closed_, "the greeting is not one reply");
    }

    void feed(std::string_view bytes) {
        if (tls_requested_) {
            tls_requested_ = false;
            carry_out(connection_.tls_started());
        }
        while (!bytes.empty() && !closed_) {
            carry_out(connection_.receive(bytes, now()));
            if (connection_.awaiting_commit()) {
                check(open_, "a commit was awaited without an open message");
                open_ = false;
                carry_out(connection_.stored(fail_commits_
                                                 ? std::optional(ehlo::protocol::make_reply(
                                                       ehlo::protocol::ReplyId::local_error))
                                                 : std::nullopt));
            }
        }
    }

    void finish() {
        if (closed_) {
            std::string_view more = "NOOP\r\n";
            check(connection_.receive(more, now()).replies.empty(), "a closed connection read on");
            return;
        }
        replies_since_line_ = 0;
        carry_out(connection_.shutting_down());
        check(closed_, "shutting down did not close");
    }

  private:
    static Clock::time_point now() { return Clock::time_point{std::chrono::seconds{1795313370}}; }

    void carry_out(Output out) {
        check_actions(out.actions);
        check_trace(out.trace);
        check_replies(out.replies, out.trace);
        if (out.close) {
            check(connection_.state() == State::closed, "closed without the closed state");
            closed_ = true;
        }
    }

    void check_actions(const std::vector<Action>& actions) {
        using Kind = Action::Kind;
        for (const Action& action : actions) {
            if (action.kind == Kind::begin_message) {
                check(!open_, "a message begun while another is open");
                open_ = true;
            } else if (action.kind == Kind::append_data || action.kind == Kind::commit_message) {
                check(open_, "data or commit without an open message");
            } else if (action.kind == Kind::abort_message) {
                check(open_, "an abort without an open message");
                open_ = false;
            } else if (action.kind == Kind::start_tls) {
                tls_requested_ = true;
            }
        }
    }

    // One reply at most after each client line of the trace.
    void check_trace(const std::vector<TraceLine>& trace) {
        for (const TraceLine& line : trace) {
            if (line.direction == 'C') {
                replies_since_line_ = 0;
                continue;
            }
            check(line.text.size() >= 3, "a short reply line in the trace");
            if (line.text.size() == 3 || line.text[3] == ' ') ++replies_since_line_;
            check(replies_since_line_ <= 1, "two replies to one command");
        }
    }

    void check_replies(std::string_view text, const std::vector<TraceLine>& trace) {
        std::size_t traced = 0;
        for (const TraceLine& line : trace)
            if (line.direction == 'S' && (line.text.size() == 3 || line.text[3] == ' ')) ++traced;
        ehlo::wire::ReplyParser parser(512, 100);
        std::size_t parsed = 0;
        while (!text.empty()) {
            const auto event = parser.next(text);
            check(event != ehlo::wire::ReplyParser::Event::malformed, "a malformed reply");
            if (event == ehlo::wire::ReplyParser::Event::need_more) {
                check(false, "a reply cut short");
            }
            const int code = parser.reply().code;
            check(code >= 200 && code <= 599, "a reply code outside 2xx..5xx");
            ++parsed;
        }
        check(parsed == traced, "the trace and the replies disagree");
    }

    Connection connection_;
    bool fail_commits_;
    bool closed_ = false;
    bool open_ = false;
    bool tls_requested_ = false;
    int replies_since_line_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input = ehlo::fuzz::as_text(data, size);
    const std::uint8_t settings = ehlo::fuzz::take_settings(input);
    const Policy policy = make_policy(settings);
    Driver driver(policy, (settings & 0x40) != 0);
    driver.start((settings & 0x20) != 0);
    for (std::string_view feed : ehlo::fuzz::split_feeds(input))
        driver.feed(feed);
    driver.finish();
    return 0;
}
