// Layer: conformance/report. The Reporter side of report.hpp: one report file per format,
// written when the run finishes; several reporters as one, with the calls serialised for
// parallel jobs; and the reporters of one run from the command line's files. The formats
// themselves are in console.cpp, json_report.cpp, junit_report.cpp and html_report.cpp.
#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>

#include "report/report.hpp"

namespace ehlo::report {

namespace {

/// `cannot write report FILE: CAUSE`, with the cause from errno when there is one.
ReportError write_error(const std::string& path, const char* fallback) {
    const int error = errno;
    return ReportError("cannot write report " + path + ": " +
                       (error != 0 ? std::strerror(error) : fallback));
}

/// Opens `path` for writing, truncated; throws ReportError when it cannot.
std::ofstream open(const std::string& path) {
    errno = 0;
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file) throw write_error(path, "cannot open it");
    return file;
}

}  // namespace

void write_report(std::ostream& out, Format format, const engine::RunResult& run,
                  const JunitOptions& junit) {
    switch (format) {
        case Format::json:
            write_json(out, run);
            return;
        case Format::junit:
            write_junit(out, run, junit);
            return;
        case Format::html:
            write_html(out, run);
            return;
    }
}

FileReporter::FileReporter(Format format, std::string path, JunitOptions junit)
    : format_(format), path_(std::move(path)), junit_(junit) {
    open(path_);  // created now: a path that cannot be written stops the run before it starts
}

void FileReporter::finished(const engine::RunResult& run) {
    std::ofstream file = open(path_);
    write_report(file, format_, run, junit_);
    errno = 0;
    file.close();
    if (!file) throw write_error(path_, "the write failed");
}

void Reporters::add(std::unique_ptr<Reporter> reporter) {
    const std::lock_guard lock(mutex_);
    reporters_.push_back(std::move(reporter));
}

void Reporters::started(int total) {
    const std::lock_guard lock(mutex_);
    for (const auto& reporter : reporters_)
        reporter->started(total);
}

void Reporters::scenario_finished(const engine::ScenarioResult& result) {
    const std::lock_guard lock(mutex_);
    for (const auto& reporter : reporters_)
        reporter->scenario_finished(result);
}

void Reporters::finished(const engine::RunResult& run) {
    const std::lock_guard lock(mutex_);
    std::exception_ptr first;
    for (const auto& reporter : reporters_) {
        try {
            reporter->finished(run);
        } catch (const ReportError&) {
            if (!first) first = std::current_exception();
        }
    }
    if (first) std::rethrow_exception(first);
}

std::unique_ptr<Reporters> make_reporters(std::ostream& console, ConsoleOptions options,
                                          const ReportFiles& files, JunitOptions junit) {
    auto reporters = std::make_unique<Reporters>();
    reporters->add(std::make_unique<ConsoleReporter>(console, options));
    if (!files.json.empty())
        reporters->add(std::make_unique<FileReporter>(Format::json, files.json));
    if (!files.junit.empty())
        reporters->add(std::make_unique<FileReporter>(Format::junit, files.junit, junit));
    if (!files.html.empty())
        reporters->add(std::make_unique<FileReporter>(Format::html, files.html));
    return reporters;
}

}  // namespace ehlo::report
