// Prints docs/server-tables.md from the code itself: the transition table of
// server/state.hpp as a table and as a state diagram, and the reply table of
// protocol/reply.cpp. A test compares the committed page with this output, so the docs
// cannot drift from the code.
#include <iostream>
#include <string>
#include <string_view>

#include "protocol/citation.hpp"
#include "protocol/reply.hpp"
#include "server/state.hpp"

namespace {

using ehlo::protocol::Verb;
using ehlo::server::Rule;
using ehlo::server::State;

std::string rule_text(Rule rule) {
    switch (rule) {
        case Rule::allowed:
            return "";
        case Rule::need_greeting:
            return "503 (EHLO first)";
        case Rule::need_mail:
            return "503 (MAIL first)";
        case Rule::nested_mail:
            return "503 (nested MAIL)";
        case Rule::need_recipient:
            return "554 (no valid recipients)";
        case Rule::in_transaction:
            return "503 (in a transaction)";
        case Rule::not_a_command:
            return "-";
    }
    return "?";
}

std::string cell(State state, Verb verb) {
    auto t = ehlo::server::transition(state, verb);
    if (t.rule != Rule::allowed) return rule_text(t.rule);
    return "→ " + std::string(ehlo::server::state_name(t.next));
}

void print_transition_table() {
    std::cout << "## Transitions (RFC 5321 §4.1.4, §4.3.2)\n\n"
              << "Each cell: the state after a successful command (→), or the reply that "
                 "refuses the verb in that state before its arguments are read. A command "
                 "that fails its own checks keeps the state. In `data`, `chunk`, "
                 "`starting_tls`, `authenticating` and `closed`, lines are not commands (-). "
                 "AUTH that answers with a challenge (334) leads to `authenticating` instead "
                 "(RFC 4954 §4). A BDAT that is refused still has its chunk read and "
                 "discarded in `chunk` before the reply (RFC 3030 §2).\n\n| state |";
    for (int v = 0; v + 1 < ehlo::protocol::verb_count; ++v) {
        std::cout << " " << ehlo::protocol::verb_name(static_cast<Verb>(v)) << " |";
    }
    std::cout << "\n|---|";
    for (int v = 0; v + 1 < ehlo::protocol::verb_count; ++v)
        std::cout << "---|";
    std::cout << "\n";
    for (int s = 0; s < ehlo::server::state_count; ++s) {
        auto state = static_cast<State>(s);
        std::cout << "| " << ehlo::server::state_name(state) << " |";
        for (int v = 0; v + 1 < ehlo::protocol::verb_count; ++v) {
            std::cout << " " << cell(state, static_cast<Verb>(v)) << " |";
        }
        std::cout << "\n";
    }
}

void print_state_diagram() {
    std::cout << "\n## State diagram\n\nOnly the transitions that change the state; the end "
                 "of data (250, or a refusal) leads from `data` back to `greeted`, and the "
                 "TLS handshake after STARTTLS from `starting_tls` back to `connected` "
                 "(RFC 3207 §4.2); a challenge of AUTH leads to `authenticating`, the end of "
                 "the exchange (235, or a refusal) back to `greeted` (RFC 4954 §4); the end "
                 "of a BDAT chunk leads from `chunk` back to `recipients`, or to `greeted` "
                 "after the LAST chunk (RFC 3030 §2).\n\n"
              << "```mermaid\nstateDiagram-v2\n    [*] --> connected: 220\n";
    for (int s = 0; s < ehlo::server::state_count; ++s) {
        auto state = static_cast<State>(s);
        for (int v = 0; v + 1 < ehlo::protocol::verb_count; ++v) {
            auto verb = static_cast<Verb>(v);
            auto t = ehlo::server::transition(state, verb);
            if (t.rule != Rule::allowed || t.next == state) continue;
            std::cout << "    " << ehlo::server::state_name(state) << " --> "
                      << ehlo::server::state_name(t.next) << ": " << ehlo::protocol::verb_name(verb)
                      << "\n";
        }
    }
    std::cout << "    data --> greeted: end of data\n"
              << "    chunk --> recipients: end of chunk\n"
              << "    chunk --> greeted: end of the LAST chunk\n"
              << "    starting_tls --> connected: TLS handshake\n"
              << "    greeted --> authenticating: AUTH, 334\n"
              << "    authenticating --> greeted: end of the exchange\n    closed --> [*]\n```\n";
}

// Reply text as a Markdown table cell: "<CR><LF>" would otherwise be read as HTML tags.
std::string markdown_cell(std::string_view text) {
    std::string cell;
    for (char c : text) {
        if (c == '<' || c == '>' || c == '|') cell += '\\';
        cell += c;
    }
    return cell;
}

void print_reply_table() {
    std::cout << "\n## Replies\n\nEvery reply the server sends, from `protocol/reply.cpp`. "
                 "The enhanced code (RFC 3463) is sent after EHLO, while ENHANCEDSTATUSCODES is "
                 "offered (RFC 2034 §3).\n\n"
              << "| code | enhanced | text | section |\n|---|---|---|---|\n";
    for (const auto& row : ehlo::protocol::reply_table()) {
        std::string where = ehlo::protocol::citation_text(row.section);
        std::cout << "| " << row.code << " | " << (row.enhanced.empty() ? "-" : row.enhanced)
                  << " | " << markdown_cell(row.text) << " | " << where << " |\n";
    }
}

}  // namespace

int main() {
    std::cout << "# Server tables\n\nGenerated from the code by `tools/docgen/server_tables.cpp`"
                 " (target `ehlo-server-tables`); the test `docs_server_tables` fails when this "
                 "page and the code disagree.\n\n";
    print_transition_table();
    print_state_diagram();
    print_reply_table();
    return 0;
}
