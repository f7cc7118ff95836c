import Glibc
import Synchronization

/// A movable, read-only view of part of a file, mapped rather than copied: the CSV readers' input.
///
/// The window reserves one range of addresses for its whole life, aligned to 2 MiB. Each `move(to:count:)` maps
/// the file there with `MAP_FIXED` (replacing the bytes shown before), starting at the 2 MiB boundary of the file at
/// or before the offset asked for. With file and address both aligned, the kernel maps page-cache pages it holds as
/// 2 MiB folios with one fault each; nothing is copied, as `pread` would.
///
/// A file that shrinks while it is mapped (an EMR export rewriting it in place) would make reads past its new end
/// raise SIGBUS and kill the process. The first window installs a SIGBUS handler: a fault inside a window's range
/// gets a page of zeros mapped over it and marks the window `damaged`; the reader then reports the file as changed
/// while it was read. Any other SIGBUS goes to the handler installed before (the Swift runtime's backtracer, or
/// the default action).
///
/// The descriptor must stay open while the window moves; a window is used by one thread at a time.
public final class FileWindow {
    public let path: String
    private let fd: Int32
    private let fileSize: Int
    /// The whole reservation, for munmap.
    private let reservation: UnsafeMutableRawPointer
    private let reservationBytes: Int
    /// The 2 MiB-aligned start of the mapped range, and how many bytes each move maps.
    private let base: UnsafeMutableRawPointer
    private let span: Int
    private let slot: Int
    /// The file range mapped now (`mappedLength` 0 before the first move).
    private var mappedStart = 0
    private var mappedLength = 0

    /// The alignment of mapped ranges, in the file and in memory: one PMD on x86-64 and arm64 with 4 KiB pages.
    static let alignment = 2 << 20

    /// A window onto `fd` (a regular file `fileSize` bytes long, named `path` in errors) that can show up to
    /// `maxCount` bytes at a time.
    public init(fd: Int32, path: String, fileSize: Int, maxCount: Int) throws(SystemError) {
        precondition(maxCount > 0)
        self.fd = fd
        self.path = path
        self.fileSize = fileSize
        let a = FileWindow.alignment
        span = (maxCount + a - 1) / a * a + a
        reservationBytes = span + a
        let raw = mmap(nil, reservationBytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let raw, raw != MAP_FAILED else { throw SystemError(call: "mmap", path: path, errno: errno) }
        reservation = raw
        let aligned = (UInt(bitPattern: raw) + UInt(a - 1)) & ~UInt(a - 1)
        base = UnsafeMutableRawPointer(bitPattern: aligned)!
        guard let slot = MappingGuard.register(start: aligned, end: aligned + UInt(span)) else {
            munmap(raw, reservationBytes)
            throw SystemError(call: "mmap", path: path, errno: ENOMEM)
        }
        self.slot = slot
    }

    deinit {
        // The slot first: once the addresses are free, a new window may get them and must be the only one there.
        MappingGuard.unregister(slot)
        munmap(reservation, reservationBytes)
    }

    /// Shows the file's bytes `offset..<offset + count` (`count` at most `maxCount`, the range within the file) and
    /// returns where they start. The bytes stay readable until the next move or the window's end.
    public func move(to offset: Int, count: Int) throws(SystemError) -> UnsafePointer<UInt8> {
        precondition(offset >= 0 && count >= 0 && offset + count <= fileSize)
        if offset < mappedStart || offset + count > mappedStart + mappedLength {
            let start = offset / FileWindow.alignment * FileWindow.alignment
            precondition(offset + count - start <= span)
            // Map no further than the file's last page: past it, a read would fault even on an unchanged file.
            let length = min(span, (fileSize - start + MappingGuard.pageSize - 1) & ~(MappingGuard.pageSize - 1))
            if length > 0 {
                let got = mmap(base, length, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, off_t(start))
                if got == MAP_FAILED { throw SystemError(call: "mmap", path: path, errno: errno) }
            }
            if length < mappedLength {
                // Give back what the longer mapping before left past this one.
                _ = mmap(base + length, mappedLength - length, PROT_NONE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0)
            }
            mappedStart = start
            mappedLength = length
        }
        return UnsafePointer(base.assumingMemoryBound(to: UInt8.self) + (offset - mappedStart))
    }

    /// True once a read found part of the window gone: the file shrank while it was mapped, and zeros were read
    /// in place of its bytes.
    public var damaged: Bool { MappingGuard.damaged(slot) }
}

/// The process-wide SIGBUS handler and the table of window ranges it protects.
enum MappingGuard {
    static let capacity = 4096
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Per slot: [2i] the range's start (0 when the slot is free), [2i+1] its end, with bit 0 set once damaged.
    // nonisolated(unsafe): the pointer never changes after its initialisation, and every element is an Atomic.
    nonisolated(unsafe) private static let table: UnsafeMutablePointer<Atomic<UInt>> = {
        let t = UnsafeMutablePointer<Atomic<UInt>>.allocate(capacity: 2 * capacity)
        for i in 0..<2 * capacity { (t + i).initialize(to: Atomic(0)) }
        return t
    }()

    private static let installed = Mutex(false)
    /// The SIGBUS action before ours.
    // nonisolated(unsafe): written once, under `installed`'s lock and before the handler that reads it exists.
    nonisolated(unsafe) private static var previous = sigaction()

    /// Claims a slot for `start..<end`; nil when every slot is taken.
    static func register(start: UInt, end: UInt) -> Int? {
        install()
        for i in 0..<capacity {
            if table[2 * i + 1].compareExchange(expected: 0, desired: end, ordering: .relaxed).exchanged {
                table[2 * i].store(start, ordering: .releasing)
                return i
            }
        }
        return nil
    }

    static func unregister(_ slot: Int) {
        table[2 * slot].store(0, ordering: .releasing)
        table[2 * slot + 1].store(0, ordering: .releasing)
    }

    static func damaged(_ slot: Int) -> Bool { table[2 * slot + 1].load(ordering: .acquiring) & 1 != 0 }

    private static func install() {
        installed.withLock { done in
            guard !done else { return }
            _ = table
            _ = pageSize
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = MappingGuard.handle
            action.sa_flags = SA_SIGINFO | SA_ONSTACK
            sigemptyset(&action.sa_mask)
            _ = sigaction(SIGBUS, &action, &previous)
            done = true
        }
    }

    /// Async-signal-safe: atomics and mmap only (errno is kept for the interrupted code).
    private static let handle: @convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?)
        -> Void = { _, info, _ in
            let savedErrno = errno
            defer { errno = savedErrno }
            if let info, info.pointee.si_code == Int32(BUS_ADRERR) {
                let address = UInt(bitPattern: info.pointee._sifields._sigfault.si_addr)
                for i in 0..<MappingGuard.capacity {
                    let start = table[2 * i].load(ordering: .acquiring)
                    guard start != 0, address >= start else { continue }
                    let end = table[2 * i + 1].load(ordering: .relaxed) & ~1
                    guard address < end else { continue }
                    let page = address & ~UInt(pageSize - 1)
                    _ = mmap(UnsafeMutableRawPointer(bitPattern: page), pageSize, PROT_READ,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)
                    table[2 * i + 1].bitwiseOr(1, ordering: .releasing)
                    return
                }
            }
            // Not a window's: let the earlier action take the fault, which happens again on return.
            _ = sigaction(SIGBUS, &previous, nil)
        }
}
