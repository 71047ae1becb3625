#include "commandeffect.h"

#include "displaytext.h"
#include "recordconversion.h"

namespace syncscope {

namespace {
std::string writes(size_t n) {
    return std::to_string(n) + (n == 1 ? " write" : " writes");
}
} // namespace

std::string commandEffect(Op op, const CommandExecutor::Outcome& done, const Engine& engine) {
    switch (op) {
    case Op::Set:
    case Op::Delete: {
        if (!done.written)
            return {};
        const OplogEntry& e = *done.written;
        const std::string verb = op == Op::Set ? "written" : "deleted";
        if (e.changedState)
            return verb + " at ts " + std::to_string(e.write.ts);
        // A local write smaller than the store's state is still logged (docs/script-language.md)
        // and changes nothing: say what beats it, so a student sees why the next GET disagrees.
        const Replica& rep = engine.replica(done.store);
        const GradeRecord winner =
            toGradeRecord(e.write.key, rep.state.at(e.write.key), engine.catalog());
        return "logged at ts " + std::to_string(e.write.ts) +
               ", but superseded on arrival: " + rep.name + " holds a newer write, " +
               (winner.deleted ? std::string("deleted") : displayText(winner.value)) + " at ts " +
               std::to_string(winner.ts) + " (" + winner.origin + ':' + std::to_string(winner.seq) +
               ")";
    }
    case Op::Merge:
        return done.appended == 0 ? "nothing to apply: the target already holds what wins"
                                  : writes(done.appended) + " applied";
    case Op::FullSync:
        return done.appended == 0 ? "nothing to apply: the stores already agree"
                                  : writes(done.appended) + " applied across the stores";
    case Op::Get:
        return {};
    }
    return {};
}

} // namespace syncscope
