// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Sourced",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sourced", targets: ["sourced"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        // Without its default traits: swift-configuration (20,000 lines) is not compiled, and
        // the preview server reads no configuration files.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        // Already built for Hummingbird; named for NIOCore's IOError (a port in use).
        .package(url: "https://github.com/apple/swift-nio", from: "2.0.0"),
        // Reads the Retraction Watch data set (CSV): RFC 4180 quoting, by header names.
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CCMarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // SHA-256 (fingerprints, cache checksums, output keys) from Debian's libcrypto: compiling
        // swift-crypto's copy of BoringSSL was a minute of a fresh release build on two cores.
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // BibTeX and BibLaTeX bibliographies, parsed by btparse (Text::BibTeX's C library).
        .systemLibrary(name: "CBTParse", providers: [.apt(["libbtparse-dev"])]),
        // btparse ends the process on some malformed input; this catches that (see its header).
        .target(name: "CBTParseGuard", dependencies: ["CBTParse"]),
        .target(name: "SourcedMarkdown", dependencies: ["CCMarkGFM", "SourcedCore"]),
        .target(name: "SourcedCore"),
        // Linux calls Swift's Glibc module does not declare (renameat2's atomic exchange).
        .target(name: "CSystemCalls"),
        .target(
            name: "SourcedBuild",
            dependencies: [
                "SourcedCore",
                "SourcedMarkdown",
                "CSystemCalls",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
                "CLibCrypto",
                "CBTParse",
                "CBTParseGuard",
                .product(name: "CSV", package: "CSV.swift"),
            ]
        ),
        .target(
            name: "SourcedPreview",
            dependencies: [
                "SourcedBuild",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "sourced",
            dependencies: [
                "SourcedBuild",
                "SourcedPreview",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // Debian's mimalloc (libmimalloc-dev) in place of glibc's malloc, for every library
            // in the process and in its workers: glibc's malloc was 17% of a 10,000-page check's
            // CPU; with mimalloc a check takes 10% less time and a build 13% less.
            linkerSettings: [.linkedLibrary("mimalloc")]
        ),
        // libFuzzer targets (scripts/fuzz); built plainly, a replayer of inputs.
        .executableTarget(name: "sourced-fuzz", dependencies: ["SourcedBuild"]),
        .testTarget(name: "SourcedMarkdownTests", dependencies: ["SourcedMarkdown"]),
        .testTarget(name: "SourcedCoreTests", dependencies: ["SourcedCore"]),
        .testTarget(
            name: "SourcedPreviewTests",
            // Not HummingbirdTesting: its HTTP client (AsyncHTTPClient, NIOSSL, swift-certificates
            // and two more copies of BoringSSL) was most of a fresh debug build; the tests send
            // their requests through a loopback socket instead.
            dependencies: [
                "SourcedPreview",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "SourcedBuildTests",
            dependencies: ["SourcedBuild", "sourced", "sourced-fuzz"],
            exclude: ["Golden", "Fixtures"]
        ),
    ]
)
