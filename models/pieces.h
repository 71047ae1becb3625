#pragma once

#include <iterator>
#include <utility>
#include <vector>

namespace syncscope {

// The pieces' elements in one vector, moved once into room reserved up front (a single piece
// changes hands whole).
template <class T>
std::vector<T> joined(std::vector<std::vector<T>> pieces) {
    if (pieces.size() == 1)
        return std::move(pieces.front());
    size_t total = 0;
    for (const std::vector<T>& piece : pieces)
        total += piece.size();
    std::vector<T> all;
    all.reserve(total);
    for (std::vector<T>& piece : pieces)
        all.insert(all.end(), std::make_move_iterator(piece.begin()),
                   std::make_move_iterator(piece.end()));
    return all;
}

} // namespace syncscope
