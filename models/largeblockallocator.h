#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace syncscope {

// An allocator for the few big arrays of a run (a million-line script's commands): blocks of
// 4 MiB or more are aligned to 2 MiB and offered to the kernel as transparent huge pages, so
// touching them costs a few dozen page faults instead of thousands (about a sixth of a parse
// was the kernel mapping 4 KiB pages). Smaller blocks come from the ordinary heap.
template <class T>
struct LargeBlockAllocator {
    using value_type = T;
    static constexpr size_t kHuge = size_t{2} << 20;
    static constexpr size_t kThreshold = size_t{4} << 20;

    LargeBlockAllocator() = default;
    template <class U>
    LargeBlockAllocator(const LargeBlockAllocator<U>&) {}

    T* allocate(size_t n) {
        const size_t bytes = n * sizeof(T);
        if (bytes < kThreshold)
            return static_cast<T*>(::operator new(bytes));
        const size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
        void* p = std::aligned_alloc(kHuge, rounded);
        if (!p)
            throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
        madvise(p, rounded, MADV_HUGEPAGE);
#endif
        return static_cast<T*>(p);
    }

    void deallocate(T* p, size_t n) {
        if (n * sizeof(T) < kThreshold)
            ::operator delete(p);
        else
            std::free(p);
    }

    template <class U>
    bool operator==(const LargeBlockAllocator<U>&) const {
        return true;
    }
};

} // namespace syncscope
