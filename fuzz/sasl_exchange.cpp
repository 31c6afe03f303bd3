// Fuzz target: the SASL mechanisms as state machines, both sides RFC 4954 §4.
//  - server: an Exchange of PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-256 or OAUTHBEARER takes the
//    feeds as its initial response and decoded responses, or (one settings bit) as the
//    undecoded lines that sasl::begin and sasl::feed take;
//  - client: a ClientMechanism of each kind takes the feeds as decoded challenges.
// Checks: an exchange that ended (Success or Failed) fails every further response (as
// malformed, when it reaches the mechanism); Success names only a user that exists; a challenge
// never comes after the end.
#include <memory>
#include <string>
#include <vector>

#include "fuzz_input.hpp"
#include "sasl/client_mechanisms.hpp"
#include "sasl/credentials.hpp"
#include "sasl/mechanism.hpp"

namespace {

using namespace ehlo::sasl;
using ehlo::fuzz::check;

// alice (with a CRAM-MD5 secret) and bob; one SCRAM iteration keeps each run fast.
const Credentials& users() {
    static const Credentials credentials = [] {
        Credentials c;
        c.add(make_user_record("alice", "wonderland", "salt-of-alice", 1, true));
        c.add(make_user_record("bob", "builder", "salt-of-bob", 1, false));
        return c;
    }();
    return credentials;
}

const Tokens& tokens() {
    static const Tokens table = [] {
        Tokens t;
        t.add("carol", "t0ken-c4rol");
        return t;
    }();
    return table;
}

constexpr std::string_view server_mechanisms[] = {"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-256",
                                                  "OAUTHBEARER"};

void check_step(const Step& step) {
    if (const auto* success = std::get_if<Success>(&step))
        check(success->identity == "alice" || success->identity == "bob" ||
                  success->identity == "carol",
              "Success for a user that does not exist");
}

void server_side(std::uint8_t settings, const std::vector<std::string_view>& feeds) {
    Context context{&users(), &tokens(), "mx.example.test", "fixedrandom", 1795313370};
    auto exchange = make_exchange(server_mechanisms[(settings >> 1) % 5], context);
    check(exchange != nullptr, "a known mechanism was not made");
    const bool lines = (settings & 1) != 0;
    const bool with_initial = (settings & 0x40) != 0 && !feeds.empty();
    std::size_t next = with_initial ? 1 : 0;
    Step step = lines ? begin(*exchange, with_initial ? std::optional(feeds[0]) : std::nullopt)
                      : exchange->start(with_initial ? std::optional(feeds[0]) : std::nullopt);
    check_step(step);
    for (; next < feeds.size(); ++next) {
        const bool ended = !std::holds_alternative<Challenge>(step);
        step = lines ? feed(*exchange, feeds[next]) : exchange->next(feeds[next]);
        check_step(step);
        // The server drops an exchange once it ended (server::continue_auth); sasl::feed can
        // end it without the mechanism knowing (bad base64, `*`), so only the mechanism's own
        // promise is checked: after its end, next() fails as malformed.
        if (ended && lines) break;
        if (!ended) continue;
        const auto* failed = std::get_if<Failed>(&step);
        check(failed && failed->reason == Failure::malformed,
              "an exchange that ended took another response");
    }
}

void client_side(std::uint8_t settings, const std::vector<std::string_view>& feeds) {
    const std::vector<std::string_view> names = client_mechanism_preference();
    ClientCredentials credentials{"alice", "wonderland", "t0ken", "mx.example.test", 587};
    auto mechanism =
        make_client_mechanism(names[(settings >> 1) % names.size()], credentials, "fuzznonce");
    check(mechanism != nullptr, "a known client mechanism was not made");
    if (settings & 1) mechanism->initial_response();
    for (std::string_view challenge : feeds)
        mechanism->respond(challenge);
    mechanism->server_verified();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input = ehlo::fuzz::as_text(data, size);
    const std::uint8_t settings = ehlo::fuzz::take_settings(input);
    const std::vector<std::string_view> feeds = ehlo::fuzz::split_feeds(input, true);
    if (settings & 0x80) {
        client_side(settings, feeds);
    } else {
        server_side(settings, feeds);
    }
    return 0;
}
