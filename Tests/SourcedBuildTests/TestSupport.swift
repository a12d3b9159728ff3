import Foundation
import Synchronization
import Testing

/// The repository's root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A throwaway folder holding a small site, written from path → text pairs.
struct TempSite {
    let root: URL

    init(_ files: [String: String]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("sourced-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for (path, text) in files { try write(path, text) }
    }

    /// A folder that already exists (it is not removed or filled).
    init(existing root: URL) {
        self.root = root
    }

    func write(_ path: String, _ text: String) throws {
        try write(path, bytes: Array(text.utf8))
    }

    func write(_ path: String, bytes: [UInt8]) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: root.appendingPathComponent(path).path).map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path)
    }

    /// Every file below `folder` (relative to the site, or absolute), relative path → bytes.
    func snapshot(_ folder: String) throws -> [String: Data] {
        let base = (folder.hasPrefix("/") ? URL(fileURLWithPath: folder) : root.appendingPathComponent(folder))
            .resolvingSymlinksInPath()
        var files: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { return [:] }
        for case let path as String in enumerator {
            var isDirectory: ObjCBool = false
            let full = base.appendingPathComponent(path).path
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = FileManager.default.contents(atPath: full)
            }
        }
        return files
    }

    /// Runs the real `sourced` binary (or a copy of it at `executable`) with this folder as the
    /// working directory.
    ///
    /// Every successful `sourced build` that uses the cache is run once more with `--no-cache`
    /// into a folder of its own, and the two outputs must hold the same bytes: the caches make a
    /// build faster, never different, in every end-to-end fixture (issue #12).
    func run(_ arguments: [String], environment: [String: String] = [:], executable: URL? = nil) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let result = try runOnce(arguments, environment: environment, executable: executable)
        if result.status == 0, arguments.first == "build", !arguments.contains("--no-cache"),
            environment["LD_PRELOAD"] == nil
        {
            try expectSameOutputWithoutCache(arguments, environment: environment, executable: executable)
        }
        return result
    }

    private func expectSameOutputWithoutCache(
        _ arguments: [String], environment: [String: String], executable: URL?
    ) throws {
        var withCache = "Public"
        var plain: [String] = []
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--output": withCache = rest.popFirst() ?? withCache
            case "--cache": _ = rest.popFirst()
            default:
                if argument.hasPrefix("--output=") {
                    withCache = String(argument.dropFirst("--output=".count))
                } else if !argument.hasPrefix("--cache=") {
                    plain.append(argument)
                }
            }
        }
        let scratch = ".no-cache-\(UUID().uuidString)"
        let without = try runOnce(
            plain + ["--no-cache", "--output", scratch], environment: environment, executable: executable)
        defer { try? FileManager.default.removeItem(at: root.appendingPathComponent(scratch)) }
        #expect(without.status == 0, "without the cache: \(without.stderr)")
        let cached = try snapshot(withCache)
        let expected = try snapshot(scratch)
        // Every file the build wrote, its marker (which lists them) among them. The output may
        // also hold files a build keeps but did not write (dotfiles, a stranger in the spare).
        #expect(expected[".sourced-build"] != nil)
        let differing = expected.keys.filter { cached[$0] != expected[$0] }.sorted()
        #expect(differing.isEmpty, "a build with the cache differs from one without it in \(differing)")
    }

    private func runOnce(_ arguments: [String], environment: [String: String], executable: URL?) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let process = Process()
        process.executableURL = try executable ?? sourcedBinary()
        process.arguments = arguments
        process.currentDirectoryURL = root
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "SOURCE_DATE_EPOCH")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Both pipes at once, so a child that fills one while we wait on the other cannot stall.
        let errBytes = Mutex<[UInt8]>([])
        let errDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let bytes = readToEnd(err.fileHandleForReading.fileDescriptor)
            errBytes.withLock { $0 = bytes }
            errDone.signal()
        }
        let outBytes = readToEnd(out.fileHandleForReading.fileDescriptor)
        errDone.wait()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outBytes, as: UTF8.self),
            String(decoding: errBytes.withLock { $0 }, as: UTF8.self)
        )
    }
}

/// One chunk of what is available (at least a byte), or nothing at end of file. Plain `read`,
/// retried on EINTR: Foundation's `readDataToEndOfFile` and `availableData` stop the whole test
/// process with a fatal error when a signal (a child's SIGCHLD, with tests starting processes
/// side by side) interrupts them.
func readChunk(_ descriptor: Int32) -> [UInt8] {
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
        if n < 0 && errno == EINTR { continue }
        return n > 0 ? Array(buffer[..<n]) : []
    }
}

/// Everything up to end of file, chunk by chunk.
func readToEnd(_ descriptor: Int32) -> [UInt8] {
    var bytes: [UInt8] = []
    while case let chunk = readChunk(descriptor), !chunk.isEmpty { bytes += chunk }
    return bytes
}

/// The `sourced` executable SwiftPM built beside this test bundle.
func sourcedBinary() throws -> URL {
    var candidates: [URL] = []
    for bundle in Bundle.allBundles + [Bundle.main] {
        var url = bundle.bundleURL
        for _ in 0..<3 {
            candidates.append(url.appendingPathComponent("sourced"))
            url.deleteLastPathComponent()
        }
    }
    candidates.append(packageRoot.appendingPathComponent(".build/debug/sourced"))
    for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            return candidate
        }
    }
    throw BinaryNotFound()
}

struct BinaryNotFound: Error {}

/// Front matter for a minimal valid page.
func page(
    title: String = "A topic", status: String = "approved", extra: String = "", references: String = "",
    body: String
) -> String {
    """
    ---
    title: \(title)
    \(extra)review:
      status: \(status)
      reviewed: 2026-10-01
    \(references)---

    \(body)
    """
}

let templatesPath = packageRoot.appendingPathComponent("Templates").path
