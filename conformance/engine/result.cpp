// Layer: conformance/engine. The small pieces of result.hpp that are code rather than data: the
// prefix of a wire-log line, the written form of a time scale, and the tally of a run's verdicts
// (docs/scenario-format.md "Verdicts"). Filling results is the scenario run's job; printing them
// the reports'.
#include "engine/result.hpp"

#include <locale>
#include <sstream>

namespace ehlo::engine {

std::string format_scale(double scale) {
    std::ostringstream text;
    text.imbue(std::locale::classic());
    text << scale;  // the default format: six significant digits, no trailing zeros
    return text.str();
}

std::string_view prefix(LogLine::Side side) {
    switch (side) {
        case LogLine::Side::client:
            return "C:";
        case LogLine::Side::server:
            return "S:";
        case LogLine::Side::note:
            return "*";
    }
    return "*";
}

Tally RunResult::tally() const {
    Tally tally;
    for (const auto& result : results)
        tally.add(result.verdict);
    return tally;
}

}  // namespace ehlo::engine
