// Layer: server (sans-I/O), test builds only. The seam of server::Connection: one hooks object
// per connection, made by Policy::make_hooks, that may rewrite the bytes of each read, stand in
// for step() and rewrite each reply. The mutants of tests/mutants break one rule each through
// it (docs/mutants.md).
//
// The seam is compiled only where EHLO_TEST_SEAMS is defined. The server's libraries are built
// twice: as they are, for ehlo-server, ehlo-check and every other program; and once more with
// EHLO_TEST_SEAMS, as libraries of their own that only test programs link (the *_seams
// libraries of tests/CMakeLists.txt). So a program carries no hooks member, no hook call and
// no Policy::make_hooks, not even a test for null; the CTest test seams_absent checks the
// symbols of ehlo-server and ehlo-check.
#pragma once

#ifndef EHLO_TEST_SEAMS
#error "server/connection_hooks.hpp is for test builds only: define EHLO_TEST_SEAMS"
#endif

#include <string>

#include "server/step.hpp"

namespace ehlo::server {

/// What a test build may change in one connection. Each default changes nothing.
class ConnectionHooks {
  public:
    virtual ~ConnectionHooks() = default;
    /// The bytes of one read, before they are framed.
    virtual void received(const Session& /*session*/, std::string& /*bytes*/) {}
    /// Stands in for step() on every event.
    virtual Outcome step(Session& session, Event event, const Policy& policy) {
        return server::step(session, std::move(event), policy);
    }
    /// The text of one reply, CRLFs included, before it is queued for writing.
    virtual void replying(const Session& /*session*/, std::string& /*text*/) {}
};

}  // namespace ehlo::server
