// Layer: conformance/check (I/O). See scheduler.hpp: `--jobs` workers on one io_context, a
// budget of open connections and a pace for new ones.
#include "check/scheduler.hpp"

#include <algorithm>
#include <chrono>
#include <list>
#include <utility>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include "check/selection.hpp"

namespace ehlo::check {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto no_throw = asio::experimental::as_tuple(asio::use_awaitable);

/// Connections that may be open at once. A scenario reserves all it will hold before it
/// starts, so two scenarios can never wait for each other's connections.
class ConnectionBudget {
  public:
    ConnectionBudget(asio::any_io_executor executor, std::size_t size)
        : executor_(std::move(executor)), size_(size), free_(size) {}

    asio::awaitable<void> reserve(std::size_t& count) {
        count = std::min(count, size_);
        while (free_ < count) {
            asio::steady_timer& timer = waiters_.emplace_back(executor_, Clock::duration::max());
            auto self = std::prev(waiters_.end());
            co_await timer.async_wait(no_throw);  // release() cancels it
            waiters_.erase(self);
        }
        free_ -= count;
    }

    void release(std::size_t count) {
        free_ += count;
        for (asio::steady_timer& timer : waiters_)
            timer.cancel();
    }

  private:
    asio::any_io_executor executor_;
    std::size_t size_;
    std::size_t free_;
    std::list<asio::steady_timer> waiters_;
};

/// Spaces new connections at least 1/rate seconds apart.
class Pace {
  public:
    Pace(asio::any_io_executor executor, double rate) : executor_(std::move(executor)) {
        if (rate > 0) {
            gap_ = std::chrono::duration_cast<Clock::duration>(
                std::chrono::duration<double>(1.0 / rate));
        }
    }

    asio::awaitable<void> turn() {
        if (gap_ == Clock::duration::zero()) co_return;
        Clock::time_point at = std::max(Clock::now(), next_);
        next_ = at + gap_;
        if (at <= Clock::now()) co_return;
        asio::steady_timer timer(executor_, at);
        co_await timer.async_wait(no_throw);
    }

  private:
    asio::any_io_executor executor_;
    Clock::duration gap_ = Clock::duration::zero();
    Clock::time_point next_ = Clock::now();
};

/// What the workers share.
struct Run {
    const std::vector<Planned>& plan;
    const scenario::Variables& variables;
    const Target& target;
    const ResultSink& sink;
    ConnectionBudget budget;
    Pace pace;
    std::vector<engine::ScenarioResult> results;
    std::size_t next = 0;
};

asio::awaitable<void> worker(Run& run) {
    while (run.next < run.plan.size()) {
        std::size_t index = run.next++;
        const Planned& planned = run.plan[index];
        engine::ScenarioResult result;
        if (planned.skip) {
            result = not_run(*planned.scenario, engine::Verdict::skip, *planned.skip);
        } else {
            std::size_t needed = connections_needed(*planned.scenario);
            co_await run.budget.reserve(needed);
            result = co_await run_scenario(*planned.scenario, run.variables, run.target,
                                           planned.settings, [&run]() { return run.pace.turn(); });
            run.budget.release(needed);
        }
        run.results[index] = result;
        if (run.sink) run.sink(run.results[index]);
    }
}

}  // namespace

engine::ScenarioResult not_run(const scenario::Scenario& scenario, engine::Verdict verdict,
                               std::string reason) {
    engine::ScenarioResult result;
    result.id = scenario.id;
    result.title = scenario.title;
    result.refs = scenario.refs;
    result.level = scenario.level;
    result.tags = scenario.tags;
    result.verdict = verdict;
    result.reason = std::move(reason);
    return result;
}

std::vector<engine::ScenarioResult> run_all(const std::vector<Planned>& plan,
                                            const scenario::Variables& variables,
                                            const Target& target, const Schedule& schedule,
                                            const ResultSink& sink) {
    asio::io_context context(1);
    Run run{plan,
            variables,
            target,
            sink,
            ConnectionBudget(context.get_executor(),
                             std::max<std::size_t>(1, schedule.max_connections)),
            Pace(context.get_executor(), schedule.rate),
            std::vector<engine::ScenarioResult>(plan.size()),
            0};
    std::size_t workers =
        std::clamp<std::size_t>(schedule.jobs, 1, std::max<std::size_t>(1, plan.size()));
    for (std::size_t i = 0; i < workers; ++i)
        asio::co_spawn(context, worker(run), asio::detached);
    context.run();
    return std::move(run.results);
}

}  // namespace ehlo::check
