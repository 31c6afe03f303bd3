// The runner's verdicts (docs/scenario-format.md "Verdicts"): their order, the worst-verdict
// rule, what a broken expectation is worth at each level, and the tally of a run.
#include <catch2/catch.hpp>

#include <vector>

#include "engine/verdict.hpp"

using ehlo::engine::Tally;
using ehlo::engine::Verdict;
namespace engine = ehlo::engine;
namespace scenario = ehlo::scenario;

TEST_CASE("verdicts are ordered SKIP < PASS < INFO < WARN < FAIL < ERROR", "[engine]") {
    const std::vector<Verdict> order = {Verdict::skip, Verdict::pass, Verdict::info,
                                        Verdict::warn, Verdict::fail, Verdict::error};
    for (std::size_t i = 0; i + 1 < order.size(); ++i) {
        CHECK(order[i] < order[i + 1]);
        CHECK(engine::worst(order[i], order[i + 1]) == order[i + 1]);
        CHECK(engine::worst(order[i + 1], order[i]) == order[i + 1]);
    }
    CHECK(engine::worst(Verdict::warn, Verdict::warn) == Verdict::warn);
}

TEST_CASE("a scenario's verdict is the worst seen: FAIL, WARN, INFO, PASS", "[engine]") {
    CHECK(engine::worst({Verdict::pass, Verdict::info, Verdict::pass}) == Verdict::info);
    CHECK(engine::worst({Verdict::info, Verdict::warn, Verdict::pass}) == Verdict::warn);
    CHECK(engine::worst({Verdict::warn, Verdict::pass, Verdict::fail}) == Verdict::fail);
    CHECK(engine::worst({Verdict::pass, Verdict::pass}) == Verdict::pass);
    // ERROR: no verdict, whatever the steps before showed.
    CHECK(engine::worst({Verdict::warn, Verdict::error}) == Verdict::error);
    CHECK(engine::worst({Verdict::fail, Verdict::error}) == Verdict::error);
    // SKIP never hides a finding, and nothing judged is SKIP.
    CHECK(engine::worst({Verdict::skip, Verdict::pass}) == Verdict::pass);
    CHECK(engine::worst({}) == Verdict::skip);
    const std::vector<Verdict> steps = {Verdict::pass, Verdict::warn, Verdict::info};
    CHECK(engine::worst(steps) == Verdict::warn);
}

TEST_CASE("a broken expectation is worth what the level says", "[engine]") {
    CHECK(engine::broken_verdict(scenario::Level::must) == Verdict::fail);
    CHECK(engine::broken_verdict(scenario::Level::should) == Verdict::warn);
    CHECK(engine::broken_verdict(scenario::Level::may) == Verdict::info);
    CHECK(engine::broken_verdict(scenario::Level::info) == Verdict::info);
}

TEST_CASE("an alternative's own verdict stands, but => FAIL follows the level", "[engine]") {
    using scenario::Level;
    for (const auto level : {Level::must, Level::should, Level::may, Level::info}) {
        CAPTURE(scenario::to_string(level));
        CHECK(engine::alternative_verdict(scenario::Verdict::pass, level) == Verdict::pass);
        CHECK(engine::alternative_verdict(scenario::Verdict::info, level) == Verdict::info);
        CHECK(engine::alternative_verdict(scenario::Verdict::warn, level) == Verdict::warn);
    }
    CHECK(engine::alternative_verdict(scenario::Verdict::fail, Level::must) == Verdict::fail);
    CHECK(engine::alternative_verdict(scenario::Verdict::fail, Level::should) == Verdict::warn);
    CHECK(engine::alternative_verdict(scenario::Verdict::fail, Level::may) == Verdict::info);
    CHECK(engine::alternative_verdict(scenario::Verdict::fail, Level::info) == Verdict::info);
}

TEST_CASE("verdict names read back", "[engine]") {
    CHECK(engine::to_string(Verdict::skip) == "SKIP");
    CHECK(engine::to_string(Verdict::pass) == "PASS");
    CHECK(engine::to_string(Verdict::info) == "INFO");
    CHECK(engine::to_string(Verdict::warn) == "WARN");
    CHECK(engine::to_string(Verdict::fail) == "FAIL");
    CHECK(engine::to_string(Verdict::error) == "ERROR");
    for (const auto v : {Verdict::skip, Verdict::pass, Verdict::info, Verdict::warn, Verdict::fail,
                         Verdict::error}) {
        CHECK(engine::verdict_from_string(engine::to_string(v)) == v);
    }
    CHECK(engine::verdict_from_string("warn") == Verdict::warn);
    CHECK_FALSE(engine::verdict_from_string("WARNING").has_value());
    CHECK_FALSE(engine::verdict_from_string("").has_value());
}

TEST_CASE("a tally counts each verdict and knows the worst", "[engine]") {
    Tally tally;
    CHECK(tally.total() == 0);
    CHECK(tally.worst() == Verdict::skip);
    tally.add(Verdict::pass);
    tally.add(Verdict::pass);
    tally.add(Verdict::skip);
    CHECK(tally.worst() == Verdict::pass);
    tally.add(Verdict::info);
    tally.add(Verdict::warn);
    CHECK(tally.worst() == Verdict::warn);
    tally.add(Verdict::fail);
    CHECK(tally.worst() == Verdict::fail);
    tally.add(Verdict::error);
    CHECK(tally.worst() == Verdict::error);
    CHECK(tally.count(Verdict::pass) == 2);
    CHECK(tally.count(Verdict::skip) == 1);
    CHECK(tally.count(Verdict::fail) == 1);
    CHECK(tally.total() == 7);
    CHECK(tally == Tally{1, 2, 1, 1, 1, 1});
}
