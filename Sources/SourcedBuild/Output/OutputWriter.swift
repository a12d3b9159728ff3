import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a built site beside the output folder and swaps it in at the end (SPEC §5).
///
/// The old folder is replaced only if it is empty (dotfiles aside) or carries the marker
/// an earlier build left, so files nobody built are never silently deleted.
enum OutputWriter {
    /// Errors from the writing threads.
    private final class FailureList: @unchecked Sendable {
        private let lock = NSLock()
        private var errors: [Error] = []

        func append(_ error: Error) {
            lock.withLock { errors.append(error) }
        }

        var first: Error? { lock.withLock { errors.first } }
    }

    static let marker = ".sourced-build"

    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    /// Checks that `directory` may be replaced, before any work is written.
    static func checkReplaceable(_ directory: String) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw Refusal(description: "output '\(directory)' exists and is not a folder")
        }
        let entries = try fm.contentsOfDirectory(atPath: directory)
        if entries.contains(marker) || entries.allSatisfy({ $0.hasPrefix(".") }) { return }
        throw Refusal(
            description:
                "refusing to replace '\(directory)': it holds files that no Sourced build wrote (\(entries.sorted().prefix(3).joined(separator: ", "))…); empty it or choose another --output"
        )
    }

    /// One `open`/`write`/`close`: Foundation's `Data.write` cost a tenth of a 10,000-page build.
    private static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Refusal(description: "cannot write '\(path)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            guard n > 0 else {
                throw Refusal(description: "cannot write '\(path)': \(String(cString: strerror(errno)))")
            }
            written += n
        }
    }

    static func write(_ files: [OutputFile], to directory: String) throws {
        try checkReplaceable(directory)
        let fm = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).sourced-new-\(pid)")
        let retired = parent.appendingPathComponent(".\(target.lastPathComponent).sourced-old-\(pid)")
        try? fm.removeItem(at: staging)
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        do {
            // Folders first, each with one mkdir (Foundation's createDirectory cost a twentieth
            // of a 10,000-page build), then the files, written on every core.
            var folders: Set<Substring> = [""]
            for file in files {
                let parts = file.path.split(separator: "/").dropLast()
                for part in parts {
                    let folder = file.path[..<part.endIndex]
                    guard folders.insert(folder).inserted else { continue }
                    let path = staging.path + "/" + folder
                    guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
                        throw Refusal(description: "cannot create '\(path)': \(String(cString: strerror(errno)))")
                    }
                }
            }
            let base = staging.path + "/"
            let failures = FailureList()
            let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for index in stride(from: worker, to: files.count, by: workers) {
                    let file = files[index]
                    do {
                        switch file.content {
                        case .bytes(let bytes):
                            try writeFile(base + file.path, bytes)
                        case .copy(let source):
                            try FileManager.default.copyItem(atPath: source, toPath: base + file.path)
                        }
                    } catch {
                        failures.append(error)
                    }
                }
            }
            if let failure = failures.first { throw failure }
            try Data("written by sourced build; this folder is replaced on every build\n".utf8)
                .write(to: staging.appendingPathComponent(marker))
            // Dotfiles of the old folder (a .gitkeep, say) are not the build's to drop.
            if fm.fileExists(atPath: target.path) {
                for name in try fm.contentsOfDirectory(atPath: target.path)
                where name.hasPrefix(".") && name != marker {
                    try fm.copyItem(at: target.appendingPathComponent(name), to: staging.appendingPathComponent(name))
                }
            }
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
        if fm.fileExists(atPath: target.path) {
            try fm.moveItem(at: target, to: retired)
            do {
                try fm.moveItem(at: staging, to: target)
            } catch {
                try? fm.moveItem(at: retired, to: target)
                throw error
            }
            try? fm.removeItem(at: retired)
        } else {
            try fm.moveItem(at: staging, to: target)
        }
    }
}
