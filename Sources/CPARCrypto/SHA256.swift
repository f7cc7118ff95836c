import CCrypto

/// Streaming SHA-256 (FIPS 180-4) through OpenSSL's libcrypto (`EVP_Digest*`), which uses the CPU's SHA
/// extensions where there are any.
///
/// One hasher belongs to one thread at a time (it wraps a libcrypto context): it is deliberately not `Sendable`.
public struct SHA256: ~Copyable {
    private let context: OpaquePointer

    /// A fresh hasher. Stops the process if libcrypto cannot allocate a context (out of memory).
    public init() {
        guard let context = CCrypto_sha256_new() else { fatalError("libcrypto: cannot create a SHA-256 context") }
        self.context = context
    }

    deinit { CCrypto_sha256_free(context) }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        // Fails only on a broken context (never for SHA-256 on memory we own).
        guard CCrypto_sha256_update(context, base, bytes.count) == 1 else { fatalError("libcrypto: SHA-256 update failed") }
    }

    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// The 32-byte digest of everything so far. The hasher stays usable: more bytes may follow.
    public func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { out, initialized in
            guard CCrypto_sha256_peek(context, out.baseAddress!) == 1 else { fatalError("libcrypto: SHA-256 final failed") }
            initialized = 32
        }
    }

    /// The digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var h = SHA256()
        h.update(bytes)
        return h.finalize()
    }

    /// Lower-case hex of `digest`.
    public static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: digest.count * 2) { out in
            for (i, b) in digest.enumerated() {
                out[2 * i] = digits[Int(b >> 4)]
                out[2 * i + 1] = digits[Int(b & 15)]
            }
            return digest.count * 2
        }
    }
}
