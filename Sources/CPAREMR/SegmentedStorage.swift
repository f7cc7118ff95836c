#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Append-only element storage in fixed-size, anonymously mapped segments.
///
/// Workers append here rather than to a growing Array (whose doubling would briefly hold two copies); the merge then
/// moves the elements into one exactly sized array and unmaps each segment as soon as it is empty, so the memory
/// goes back to the system at once and the peak stays near one copy.
final class SegmentedStorage<Element> {
    private var segments: [UnsafeMutablePointer<Element>] = []
    private(set) var count = 0
    private let segmentCapacity: Int
    private let segmentBytes: Int

    init(segmentCapacity: Int = 1 << 15) {
        self.segmentCapacity = segmentCapacity
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let bytes = segmentCapacity * MemoryLayout<Element>.stride
        segmentBytes = (bytes + page - 1) / page * page
    }

    deinit {
        var left = count
        for segment in segments {
            let n = min(left, segmentCapacity)
            segment.deinitialize(count: n)
            left -= n
            munmap(segment, segmentBytes)
        }
    }

    @inline(always)
    func append(_ element: consuming Element) {
        let slot = count % segmentCapacity
        if slot == 0 {
            guard let raw = mmap(nil, segmentBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                  raw != MAP_FAILED else { fatalError("out of memory: mmap of \(segmentBytes) bytes failed") }
            segments.append(raw.bindMemory(to: Element.self, capacity: segmentCapacity))
        }
        (segments[segments.count - 1] + slot).initialize(to: element)
        count += 1
    }

    /// Moves every element to `destination` (uninitialized memory for `count` elements), calling `adjust` on each,
    /// and unmaps the segments as they empty. The storage is empty afterwards.
    func moveAll(to destination: UnsafeMutablePointer<Element>, adjust: (inout Element) -> Void) {
        var left = count
        var out = destination
        for segment in segments {
            let n = min(left, segmentCapacity)
            // In blocks that stay in cache between the move and the adjustment.
            var done = 0
            while done < n {
                let k = min(n - done, 1024)
                (out + done).moveInitialize(from: segment + done, count: k)
                for i in done..<done + k { adjust(&out[i]) }
                done += k
            }
            munmap(segment, segmentBytes)
            out += n
            left -= n
        }
        segments = []
        count = 0
    }
}
