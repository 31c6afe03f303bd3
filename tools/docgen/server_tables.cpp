// Prints docs/server-tables.md from the code itself: the verb table of protocol/verb_table.hpp,
// the state table and the event table of server/state.hpp (as tables and as one state
// diagram), and the reply table of protocol/reply.cpp. Nothing here adds an edge or a verb of
// its own. A test compares the committed page with this output, so the docs cannot drift
// from the code.
#include <iostream>
#include <string>
#include <string_view>

#include "protocol/citation.hpp"
#include "protocol/reply.hpp"
#include "protocol/verb_table.hpp"
#include "server/state.hpp"

namespace {

using ehlo::protocol::ReplyId;
using ehlo::protocol::Verb;
using ehlo::server::Input;
using ehlo::server::State;

/// A section the tables hold as data, in the one spelling of the docs: "RFC 5321 §4.1.1.2".
std::string citation(std::string_view section) {
    return ehlo::protocol::citation_text(section);
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

std::string_view input_text(Input input) {
    switch (input) {
        case Input::commands:
            return "command lines";
        case Input::data:
            return "message data, to the end-of-data line";
        case Input::chunk:
            return "the octets of a BDAT chunk";
        case Input::auth_response:
            return "one AUTH response line";
        case Input::tls_handshake:
            return "nothing: dropped until the TLS handshake";
        case Input::none:
            return "nothing";
    }
    return "?";
}

void print_verb_table() {
    std::cout
        << "## Verbs\n\nFrom `protocol/verb_table.hpp`: the parser, HELP, the trace and "
           "the client take the verbs' names and sections from it. SEND, SOML, SAML and "
           "TURN of RFC 821 are known but not implemented (502, RFC 5321 §4.2.4); any other verb "
           "gets 500.\n\n"
        << "| verb | defined in | syntax | offered with |\n|---|---|---|---|\n";
    for (const auto& row : ehlo::protocol::verb_table) {
        std::cout << "| " << row.name << " | " << citation(row.section) << " | `" << row.syntax
                  << "` | " << (row.extension.empty() ? "always" : row.extension) << " |\n";
    }
}

/// A refusal as a table cell: its code and its text, without the words every 503 shares.
std::string refusal_text(ReplyId id) {
    const auto& spec = ehlo::protocol::reply_table()[static_cast<std::size_t>(id)];
    std::string_view text = spec.text;
    constexpr std::string_view shared = "Bad sequence of commands: ";
    if (text.starts_with(shared)) text.remove_prefix(shared.size());
    return std::to_string(spec.code) + " " + markdown_cell(text);
}

std::string cell_text(const ehlo::server::StateRow& row, const ehlo::server::Cell& cell) {
    if (row.input != Input::commands) return "-";
    if (!cell.allowed()) return refusal_text(*cell.refusal);
    return "→ " + std::string(ehlo::server::state_name(cell.next));
}

void print_state_table() {
    std::cout
        << "\n## States and commands (RFC 5321 §4.1.4, RFC 5321 §4.3.2)\n\nFrom the state table "
           "of `server/state.hpp`. Each cell: the state after an accepted command (→), or "
           "the reply that refuses the verb in that state before its arguments are read. "
           "A command that fails its own checks keeps the state. Where the input is not "
           "command lines, no line is a command (-).\n\n| state | input |";
    for (const auto& verb : ehlo::protocol::verb_table)
        std::cout << " " << verb.name << " |";
    std::cout << "\n|---|---|";
    for (std::size_t v = 0; v < ehlo::protocol::verb_table.size(); ++v)
        std::cout << "---|";
    std::cout << "\n";
    for (const auto& row : ehlo::server::states) {
        std::cout << "| " << row.name << " | " << input_text(row.input) << " |";
        for (const auto& cell : row.cells)
            std::cout << " " << cell_text(row, cell) << " |";
        std::cout << "\n";
    }
}

void print_event_table() {
    std::cout << "\n## Events\n\nFrom the event table of `server/state.hpp`: the edges that "
                 "events take, not commands. AUTH leads to `greeted` by the state table, and on "
                 "to `authenticating` when it answers with a challenge.\n\n"
              << "| from | event | to | section |\n|---|---|---|---|\n";
    for (const auto& edge : ehlo::server::event_edges) {
        const auto& trigger = ehlo::server::triggers[static_cast<std::size_t>(edge.trigger)];
        std::cout << "| " << ehlo::server::state_name(edge.from) << " | " << trigger.name << " | "
                  << ehlo::server::state_name(edge.to) << " | " << citation(trigger.section)
                  << " |\n";
    }
}

void print_state_diagram() {
    std::cout << "\n## State diagram\n\nBoth tables above, without the edges that keep the "
                 "state.\n\n```mermaid\nstateDiagram-v2\n    [*] --> "
              << ehlo::server::state_name(ehlo::server::initial_state) << "\n";
    for (const auto& row : ehlo::server::states) {
        for (std::size_t v = 0; v < row.cells.size(); ++v) {
            const auto& cell = row.cells[v];
            if (!cell.allowed() || cell.next == row.state) continue;
            std::cout << "    " << row.name << " --> " << ehlo::server::state_name(cell.next)
                      << ": " << ehlo::protocol::verb_table[v].name << "\n";
        }
    }
    for (const auto& edge : ehlo::server::event_edges) {
        if (edge.from == edge.to) continue;
        std::cout << "    " << ehlo::server::state_name(edge.from) << " --> "
                  << ehlo::server::state_name(edge.to) << ": "
                  << ehlo::server::trigger_name(edge.trigger) << "\n";
    }
    for (const auto& row : ehlo::server::states) {
        if (row.input == Input::none) std::cout << "    " << row.name << " --> [*]\n";
    }
    std::cout << "```\n";
}

void print_reply_table() {
    std::cout << "\n## Replies\n\nEvery reply the server sends, from `protocol/reply.cpp`. "
                 "The enhanced code (RFC 3463) is sent after EHLO, while ENHANCEDSTATUSCODES is "
                 "offered (RFC 2034 §3).\n\n"
              << "| code | enhanced | text | section |\n|---|---|---|---|\n";
    for (const auto& row : ehlo::protocol::reply_table()) {
        std::cout << "| " << row.code << " | " << (row.enhanced.empty() ? "-" : row.enhanced)
                  << " | " << markdown_cell(row.text) << " | " << citation(row.section) << " |\n";
    }
}

}  // namespace

int main() {
    std::cout << "# Server tables\n\nGenerated from the code by `tools/docgen/server_tables.cpp`"
                 " (target `ehlo-server-tables`); the test `docs_server_tables` fails when this "
                 "page and the code disagree.\n\n";
    print_verb_table();
    print_state_table();
    print_event_table();
    print_state_diagram();
    print_reply_table();
    return 0;
}
