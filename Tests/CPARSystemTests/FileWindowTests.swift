import CPARTestSupport
import Foundation
import Glibc
import Testing
@testable import CPARSystem

/// The mapped file window: the right bytes wherever it moves, and a file that shrinks under it reads as zeros and
/// is reported, not a crash.
@Suite struct FileWindowTests {
    /// A file whose byte at offset i is a function of i (with a period that does not divide 2 MiB or the page size).
    private func patterned(_ dir: TempDirectory, size: Int) throws -> (path: String, bytes: [UInt8]) {
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 % 251 &+ $0 / 251) }
        let path = dir.file("data")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (path, bytes)
    }

    private func open(_ path: String) throws -> Int32 { try Posix.open(path, O_RDONLY) }

    @Test func showsTheFileBytesAtEveryKindOfOffset() throws {
        let dir = try TempDirectory()
        let size = 5 * FileWindow.alignment + 12_345  // not a whole number of pages
        let (path, bytes) = try patterned(dir, size: size)
        let fd = try open(path)
        defer { Posix.closeQuietly(fd) }
        let window = try FileWindow(fd: fd, path: path, fileSize: size, maxCount: 1 << 20)
        let a = FileWindow.alignment
        // Forwards, backwards, across 2 MiB boundaries, inside the mapping already there, and up to the last byte.
        let moves = [(0, 1 << 20), (a - 10, 1 << 20), (a + 5, 100), (3 * a - (1 << 20), 1 << 20), (7, 4096),
                     (size - (1 << 20), 1 << 20), (size - 1, 1), (size, 0), (2 * a, 1 << 20), (size - 3, 3)]
        for (offset, count) in moves {
            let start = try window.move(to: offset, count: count)
            #expect(Array(UnsafeBufferPointer(start: start, count: count)) == Array(bytes[offset..<offset + count]),
                    "offset \(offset) count \(count)")
        }
        #expect(!window.damaged)
    }

    @Test func aFileOfWholePagesReadsToItsLastByte() throws {
        let dir = try TempDirectory()
        let size = FileWindow.alignment + 4096
        let (path, bytes) = try patterned(dir, size: size)
        let fd = try open(path)
        defer { Posix.closeQuietly(fd) }
        let window = try FileWindow(fd: fd, path: path, fileSize: size, maxCount: 8192)
        let start = try window.move(to: size - 8192, count: 8192)
        #expect(Array(UnsafeBufferPointer(start: start, count: 8192)) == Array(bytes[(size - 8192)...]))
    }

    @Test func aFileThatShrinksReadsAsZerosAndMarksTheWindowDamaged() throws {
        let dir = try TempDirectory()
        let size = 3 * FileWindow.alignment
        let (path, bytes) = try patterned(dir, size: size)
        let fd = try open(path)
        defer { Posix.closeQuietly(fd) }
        let window = try FileWindow(fd: fd, path: path, fileSize: size, maxCount: 1 << 20)
        let offset = FileWindow.alignment + 100
        let start = try window.move(to: offset, count: 1 << 20)
        #expect(start[0] == bytes[offset])
        // The EMR rewrites the file in place: it is cut to 1,000 bytes while the window shows a later part.
        #expect(truncate(path, 1000) == 0)
        let after = Array(UnsafeBufferPointer(start: start, count: 1 << 20))  // would be SIGBUS without the guard
        #expect(after.allSatisfy { $0 == 0 })
        #expect(window.damaged)
        // A second window on the same file is not damaged until it reads past the new end itself.
        let other = try FileWindow(fd: fd, path: path, fileSize: size, maxCount: 4096)
        let head = try other.move(to: 0, count: 1000)
        #expect(Array(UnsafeBufferPointer(start: head, count: 1000)) == Array(bytes[..<1000]))
        #expect(!other.damaged)
    }

    @Test func manyWindowsAtOnceEachKeepTheirOwnRange() throws {
        let dir = try TempDirectory()
        let size = 2 * FileWindow.alignment
        let (path, bytes) = try patterned(dir, size: size)
        let fd = try open(path)
        defer { Posix.closeQuietly(fd) }
        let windows = try (0..<64).map { _ in try FileWindow(fd: fd, path: path, fileSize: size, maxCount: 4096) }
        for (k, window) in windows.enumerated() {
            let offset = k * (size / 64)
            let start = try window.move(to: offset, count: 4096)
            #expect(Array(UnsafeBufferPointer(start: start, count: 4096)) == Array(bytes[offset..<offset + 4096]))
        }
        #expect(!windows.contains { $0.damaged })
    }
}
