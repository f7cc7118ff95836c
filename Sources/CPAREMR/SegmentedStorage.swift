/// Append-only element storage in fixed-size segments from `LargeBuffer` (without huge pages: see there).
///
/// Workers append here rather than to a growing Array (whose doubling would briefly hold two copies, and whose final
/// copy would touch every page twice); the segments are then handed over as they are (`PatientTable`).
final class SegmentedStorage<Element> {
    private var segments: [UnsafeMutablePointer<Element>] = []
    private(set) var count = 0
    /// Elements per segment.
    let segmentCapacity: Int

    init(segmentCapacity: Int = 1 << 15) {
        precondition(segmentCapacity > 0 && segmentCapacity & (segmentCapacity - 1) == 0, "a power of two")
        self.segmentCapacity = segmentCapacity
    }

    deinit {
        var left = count
        for segment in segments {
            let n = min(left, segmentCapacity)
            segment.deinitialize(count: n)
            left -= n
            LargeBuffer.deallocate(segment, count: segmentCapacity)
        }
    }

    @inline(always)
    func append(_ element: consuming Element) {
        let slot = count % segmentCapacity
        if slot == 0 { segments.append(LargeBuffer.allocate(Element.self, count: segmentCapacity, hugePages: false)) }
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
    /// frees the segments (`segmentCapacity` elements each) with `SegmentedStorage.free`.
    func handOver() -> (segments: [UnsafeMutablePointer<Element>], count: Int) {
        defer { segments = []; count = 0 }
        return (segments, count)
    }

    /// log2 of the elements a segment holds.
    var segmentShift: Int { segmentCapacity.trailingZeroBitCount }

    static func free(_ segments: [UnsafeMutablePointer<Element>], segmentCapacity: Int) {
        for segment in segments { LargeBuffer.deallocate(segment, count: segmentCapacity) }
    }
}
