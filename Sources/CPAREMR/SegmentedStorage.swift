#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Append-only element storage in fixed-size, anonymously mapped segments.
///
/// Workers append here rather than to a growing Array (whose doubling would briefly hold two copies, and whose final
/// copy would touch every page twice); the segments are then handed over as they are (`PatientTable`).
final class SegmentedStorage<Element> {
    private var segments: [UnsafeMutablePointer<Element>] = []
    private(set) var count = 0
    private let segmentCapacity: Int
    let segmentBytes: Int

    init(segmentCapacity: Int = 1 << 15) {
        precondition(segmentCapacity > 0 && segmentCapacity & (segmentCapacity - 1) == 0, "a power of two")
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

    /// Calls `adjust` on every element in place.
    func adjustAll(_ adjust: (inout Element) -> Void) {
        var left = count
        for segment in segments {
            let n = min(left, segmentCapacity)
            for i in 0..<n { adjust(&segment[i]) }
            left -= n
        }
    }

    /// Copies every element to `destination` (room for `count`); for trivial elements, which stay here too.
    func copyAll(to destination: UnsafeMutablePointer<Element>) {
        var left = count, out = destination
        for segment in segments {
            let n = min(left, segmentCapacity)
            out.initialize(from: segment, count: n)
            out += n
            left -= n
        }
    }

    /// Gives the segments away: the storage is empty afterwards, and the caller deinitialises the elements and
    /// unmaps each segment (`segmentBytes` long) with `SegmentedStorage.unmap`.
    func handOver() -> (segments: [UnsafeMutablePointer<Element>], count: Int) {
        defer { segments = []; count = 0 }
        return (segments, count)
    }

    /// log2 of the elements a segment holds.
    var segmentShift: Int { segmentCapacity.trailingZeroBitCount }

    static func unmap(_ segments: [UnsafeMutablePointer<Element>], segmentBytes: Int) {
        for segment in segments { munmap(segment, segmentBytes) }
    }
}
