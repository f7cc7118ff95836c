#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Zeroed memory for large tables, mapped anonymously and aligned to 2 MiB. For randomly accessed ones (the patient
/// index, latest-visit tables) transparent huge pages are requested: random lookups then cost far fewer TLB misses.
/// The record segments (`SegmentedStorage`) come from here too, without huge pages.
enum LargeBuffer {
    private static let huge = 2 << 20

    /// `count` zeroed elements of `T` (a trivial type). Free with `deallocate(_:count:)`. `hugePages: false` for
    /// memory written once in order (the record segments): there huge pages only cost more to zero, measured on
    /// this project's VM at 5–13% of an extract's CPU against under 1% (fresh huge pages there come from memory the
    /// host must back again), and save nothing, as sequential writes miss the TLB little.
    static func allocate<T>(_: T.Type, count: Int, hugePages: Bool = true) -> UnsafeMutablePointer<T> {
        let bytes = length(of: T.self, count)
        let total = bytes + huge
        guard let raw = mmap(nil, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              raw != MAP_FAILED else { fatalError("out of memory: mmap of \(total) bytes failed") }
        let address = UInt(bitPattern: raw)
        let aligned = (address + UInt(huge - 1)) & ~UInt(huge - 1)
        let head = Int(aligned - address), tail = total - head - bytes
        if head > 0 { munmap(raw, head) }
        if tail > 0 { munmap(UnsafeMutableRawPointer(bitPattern: aligned + UInt(bytes)), tail) }
        let start = UnsafeMutableRawPointer(bitPattern: aligned)!
        #if canImport(Glibc)
        if hugePages && bytes >= huge { _ = madvise(start, bytes, MADV_HUGEPAGE) }
        #endif
        return start.bindMemory(to: T.self, capacity: count)
    }

    static func deallocate<T>(_ pointer: UnsafeMutablePointer<T>, count: Int) {
        munmap(UnsafeMutableRawPointer(pointer), length(of: T.self, count))
    }

    private static func length<T>(of _: T.Type, _ count: Int) -> Int {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let bytes = max(1, count) * MemoryLayout<T>.stride
        return (bytes + page - 1) / page * page
    }
}
