#pragma once

#include "divergence.h"
#include "timeline.h"

#include <string>
#include <vector>

namespace syncscope {

// What the history plots draw, captured together on the engine's thread with the conflicts.
struct PlotCapture {
    TimelineSnapshot timeline;           // lanes: the chosen stores
    DivergenceHistory divergence;        // every pair of the workspace's stores
    std::vector<std::string> storeNames; // the workspace's stores (divergence pairs index them)
    std::vector<size_t> chosen;          // the stores compared, as indices into storeNames
    bool divergenceTracked = true;       // false beyond kMaxDivergenceStores stores
};

} // namespace syncscope
