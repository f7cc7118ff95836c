// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "cpard",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cpard", targets: ["cpard"]),
        .executable(name: "cparctl", targets: ["cparctl"]),
    ],
    targets: [
        // System libraries: tiny static-inline shims only.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        // Byte-class scans (SSE2 where the CPU has it) for the CSV parser, and a prefetch hint; no library.
        .systemLibrary(name: "CBytes"),

        // Pure domain: no I/O; of C, only CBytes' prefetch hint (the validator's scattered reads).
        .target(name: "CPARCore", dependencies: ["CBytes"]),

        // The one system layer: POSIX calls with EINTR and typed errors, durable files. Glibc only.
        .target(name: "CPARSystem"),

        // Shared libcurl plumbing for the adapters that speak through libcurl.
        .target(name: "CPARCurl", dependencies: ["CCurl", "CPARSystem"]),

        // Hashing through libcrypto (SHA-256 of payloads).
        .target(name: "CPARCrypto", dependencies: ["CCrypto"]),

        // Adapters, one per job.
        .target(name: "CPAREMR", dependencies: ["CPARCore", "CPARSystem", "CBytes"]),
        // Synthetic EMR exports and CPAR reports for the demo, the tests and the benchmark (not an EMR reader).
        .target(name: "CPARSampleData", dependencies: ["CPARCore"]),
        .target(name: "CPARStore", dependencies: ["CPARCore", "CPARSystem", "CSQLite"]),
        .target(name: "CPARPayload", dependencies: ["CPARCore", "CPARSystem", "CPARCrypto", "CLibXML2"]),
        .target(name: "CPARTransport", dependencies: ["CPARCore", "CPARSystem", "CPARPayload", "CPARCurl", "CCurl"]),
        .target(name: "CPARNotices", dependencies: ["CPARCore", "CPARSystem", "CPARCurl", "CCurl"]),
        // The HTML panel report: pure rendering of a model (no I/O).
        .target(name: "CPARReport", dependencies: ["CPARCore"]),
        .target(name: "CPARService", dependencies: [
            "CPARCore", "CPARSystem", "CPAREMR", "CPARStore", "CPARPayload", "CPARTransport", "CPARNotices", "CPARReport",
        ]),
        .target(name: "CPARCLI", dependencies: ["CPARCore", "CPARSystem", "CPAREMR", "CPARStore", "CPARPayload", "CPARService",
                                               "CPARSampleData"]),

        // Thin executables.
        .executableTarget(name: "cpard", dependencies: ["CPARCLI"]),
        .executableTarget(name: "cparctl", dependencies: ["CPARCLI"]),

        // Shared test infrastructure (Foundation only): temp dirs, subprocesses, helper servers, test certificates.
        .target(name: "CPARTestSupport", path: "Tests/CPARTestSupport"),

        .testTarget(name: "CPARTestSupportTests", dependencies: ["CPARTestSupport"]),
        .testTarget(name: "CPARCoreTests", dependencies: ["CPARCore"]),
        .testTarget(name: "CPARCryptoTests", dependencies: ["CPARCrypto"]),
        .testTarget(name: "CPARSystemTests", dependencies: ["CPARSystem", "CPARTestSupport"]),
        .testTarget(name: "CPAREMRTests", dependencies: ["CPAREMR", "CPARTestSupport"]),
        .testTarget(name: "CPARSampleDataTests", dependencies: ["CPARSampleData", "CPAREMR", "CPARTestSupport"]),
        .testTarget(name: "CPARStoreTests", dependencies: ["CPARStore", "CPARTestSupport"]),
        .testTarget(name: "CPARPayloadTests", dependencies: ["CPARPayload", "CPARCrypto", "CPARTestSupport"]),
        .testTarget(name: "CPARCurlTests", dependencies: ["CPARCurl", "CCurl", "CPARTestSupport"]),
        .testTarget(name: "CPARTransportTests", dependencies: ["CPARTransport", "CPARNotices", "CPARTestSupport"]),
        .testTarget(name: "CPARServiceTests", dependencies: ["CPARService", "CPARTransport", "CPARSampleData"]),
        .testTarget(name: "CPARCLITests", dependencies: ["CPARCLI", "CPARTestSupport", "CPARSampleData", "CPARStore"]),
        .testTarget(name: "CPARReportTests", dependencies: ["CPARReport"]),
    ]
)
