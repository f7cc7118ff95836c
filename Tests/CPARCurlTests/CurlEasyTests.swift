import CCurl
import CPARCurl
import CPARTestSupport
import Foundation
import Testing

/// `CurlEasy` and `CurlUpload` against libcurl's own file:// protocol (real files, no server).
@Suite struct CurlEasyTests {
    @Test func uploadFromBytesArrivesIntact() throws {
        let dir = try TempDirectory()
        let bytes = Self.sample(count: 300_000)   // several read-callback calls
        let upload = CurlUpload(bytes: bytes)
        let code = try Self.upload(upload, to: dir.file("out"))
        #expect(code == CURLE_OK)
        #expect(try Self.contents(dir.file("out")) == bytes)
    }

    @Test func uploadFromFileArrivesIntact() throws {
        let dir = try TempDirectory()
        let bytes = Self.sample(count: 200_001)
        try Data(bytes).write(to: URL(fileURLWithPath: dir.file("in")))
        let fd = open(dir.file("in"), O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        let upload = CurlUpload(fileDescriptor: fd)
        #expect(try Self.upload(upload, to: dir.file("out")) == CURLE_OK)
        #expect(try Self.contents(dir.file("out")) == bytes)
        #expect(upload.readErrno == nil)
    }

    @Test func failedFileReadAbortsTheTransferAndKeepsErrno() throws {
        let dir = try TempDirectory()
        let fd = open(dir.path, O_RDONLY | O_DIRECTORY)   // read(2) on a directory fails with EISDIR
        try #require(fd >= 0)
        defer { close(fd) }
        let upload = CurlUpload(fileDescriptor: fd)
        #expect(try Self.upload(upload, to: dir.file("out")) == CURLE_ABORTED_BY_CALLBACK)
        #expect(upload.readErrno == EISDIR)
    }

    @Test func contextIsKeptAliveByTheHandleUntilItGoes() throws {
        let dir = try TempDirectory()
        let bytes = Self.sample(count: 70_000)
        try Data(bytes).write(to: URL(fileURLWithPath: dir.file("in")))
        weak var weakSink: Sink?
        do {
            let easy = try #require(CurlEasy())
            do {
                let sink = Sink()
                weakSink = sink
                try easy.set(CURLOPT_WRITEDATA, context: sink)
            }
            #expect(weakSink != nil)
            try easy.set(CURLOPT_URL, "file://" + dir.file("in"))
            try easy.set(CURLOPT_WRITEFUNCTION, callback: Sink.writeCallback)
            #expect(easy.perform() == CURLE_OK)
            #expect(weakSink?.bytes == bytes)
        }
        #expect(weakSink == nil)
    }

    @Test func failedTransferReportsLibcurlsDetail() throws {
        let dir = try TempDirectory()
        let easy = try #require(CurlEasy())
        try easy.set(CURLOPT_URL, "file://" + dir.file("missing"))
        let code = easy.perform()
        #expect(code == CURLE_FILE_COULDNT_READ_FILE)
        let text = easy.errorText(for: code)
        #expect(text.contains(dir.file("missing")))             // the error buffer, not the generic text
        #expect(text != CurlCodeError(code: code).description)
    }

    @Test func errorTextFallsBackToTheGenericText() throws {
        let easy = try #require(CurlEasy())
        #expect(easy.errorText(for: CURLE_COULDNT_CONNECT) == "Couldn't connect to server")
    }

    @Test func refusedOptionIsASetupError() throws {
        let easy = try #require(CurlEasy())
        #expect {
            try easy.set(CURLOPT_SSLVERSION, 999)
        } throws: { error in
            guard let error = error as? CurlSetupError else { return false }
            return error.option == CURLOPT_SSLVERSION && error.code == CURLE_BAD_FUNCTION_ARGUMENT
                && error.description.hasPrefix("libcurl option \(CURLOPT_SSLVERSION.rawValue) refused: ")
        }
    }

    @Test func protocolListIsEnforced() throws {
        let dir = try TempDirectory()
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: dir.file("in")))
        let easy = try #require(CurlEasy())
        try easy.set(CURLOPT_URL, "file://" + dir.file("in"))
        try easy.set(CURLOPT_PROTOCOLS_STR, "https")
        #expect(easy.perform() == CURLE_UNSUPPORTED_PROTOCOL)
    }

    // MARK: - Helpers

    private static func sample(count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) } }

    private static func contents(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    private static func upload(_ upload: CurlUpload, to path: String) throws -> CURLcode {
        let easy = try #require(CurlEasy())
        try easy.set(CURLOPT_URL, "file://" + path)
        try easy.set(CURLOPT_UPLOAD, 1)
        try easy.set(upload: upload)
        return easy.perform()
    }
}

/// Collects a download through the write callback.
private final class Sink {
    var bytes: [UInt8] = []

    static let writeCallback: CCurl_data_callback = { ptr, size, count, userdata in
        let total = size * count
        guard let ptr, let userdata else { return 0 }
        let sink = CurlEasy.context(userdata, as: Sink.self)
        ptr.withMemoryRebound(to: UInt8.self, capacity: total) {
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: total))
        }
        return total
    }
}
