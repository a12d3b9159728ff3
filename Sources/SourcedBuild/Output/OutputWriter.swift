import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a built site beside the output folder and swaps it in at the end (SPEC §5).
///
/// The old folder is replaced only if it is empty (dotfiles aside) or carries the marker
/// an earlier build left, so files nobody built are never silently deleted.
enum OutputWriter {
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

    /// Opens `path`, hands `body` a function that writes a whole buffer to it, and closes it.
    /// Plain `open`/`write`/`close`: Foundation's `Data.write` cost a tenth of a 10,000-page build.
    private static func writing(
        _ path: String, _ body: (_ write: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Void
    ) throws {
        func failure() -> Refusal {
            Refusal(description: "cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure() }
        defer { close(fd) }
        try body { bytes in
            var written = 0
            while written < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + written, bytes.count - written)
                guard n > 0 else { throw failure() }
                written += n
            }
        }
    }

    /// A site being written: every file goes into a staging folder beside the output, which
    /// `finish` swaps in. Files are written as they are rendered, so the build never holds the
    /// whole site in memory (about 300 MB of 10,000 pages).
    struct Staged: Sendable {
        let target: URL
        let staging: URL
        private let base: String

        /// Makes the staging folder and every folder `paths` need, each with one mkdir
        /// (Foundation's createDirectory cost a twentieth of a 10,000-page build).
        init(directory: String, paths: [String]) throws {
            try checkReplaceable(directory)
            let fm = FileManager.default
            target = URL(fileURLWithPath: directory).standardizedFileURL
            let parent = target.deletingLastPathComponent()
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            let pid = ProcessInfo.processInfo.processIdentifier
            staging = parent.appendingPathComponent(".\(target.lastPathComponent).sourced-new-\(pid)")
            base = staging.path + "/"
            try? fm.removeItem(at: staging)
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
            var folders: Set<Substring> = [""]
            do {
                for path in paths {
                    for part in path.split(separator: "/").dropLast() {
                        let folder = path[..<part.endIndex]
                        guard folders.insert(folder).inserted else { continue }
                        guard mkdir(base + folder, 0o755) == 0 || errno == EEXIST else {
                            throw Refusal(
                                description: "cannot create '\(base + folder)': \(String(cString: strerror(errno)))")
                        }
                    }
                }
            } catch {
                discard()
                throw error
            }
        }

        /// Writes one file; safe from many threads at once.
        func write(_ file: OutputFile) throws {
            switch file.content {
            case .text(var text):
                try writing(base + file.path) { write in try text.withUTF8 { try write($0) } }
            case .bytes(let bytes):
                try writing(base + file.path) { write in try bytes.withUnsafeBufferPointer { try write($0) } }
            case .pieces(let pieces):
                // Gathered into buffers of about 1 MiB.
                try writing(base + file.path) { write in
                    var buffer: [UInt8] = []
                    buffer.reserveCapacity(1 << 20)
                    try pieces.forEach { piece in
                        buffer += piece.utf8
                        if buffer.count >= 1 << 20 {
                            try buffer.withUnsafeBufferPointer { try write($0) }
                            buffer.removeAll(keepingCapacity: true)
                        }
                    }
                    try buffer.withUnsafeBufferPointer { try write($0) }
                }
            case .copy(let source):
                try FileManager.default.copyItem(atPath: source, toPath: base + file.path)
            }
        }

        /// Drops what was written; the output folder stays as it was.
        func discard() {
            try? FileManager.default.removeItem(at: staging)
        }

        /// Marks the staging folder as ours, keeps the old folder's dotfiles, and swaps it in.
        func finish() throws {
            let fm = FileManager.default
            do {
                try Data("written by sourced build; this folder is replaced on every build\n".utf8)
                    .write(to: staging.appendingPathComponent(marker))
                // Dotfiles of the old folder (a .gitkeep, say) are not the build's to drop.
                if fm.fileExists(atPath: target.path) {
                    for name in try fm.contentsOfDirectory(atPath: target.path)
                    where name.hasPrefix(".") && name != marker {
                        try fm.copyItem(
                            at: target.appendingPathComponent(name), to: staging.appendingPathComponent(name))
                    }
                }
            } catch {
                discard()
                throw error
            }
            guard fm.fileExists(atPath: target.path) else {
                try fm.moveItem(at: staging, to: target)
                return
            }
            let pid = ProcessInfo.processInfo.processIdentifier
            let retired = target.deletingLastPathComponent()
                .appendingPathComponent(".\(target.lastPathComponent).sourced-old-\(pid)")
            try fm.moveItem(at: target, to: retired)
            do {
                try fm.moveItem(at: staging, to: target)
            } catch {
                try? fm.moveItem(at: retired, to: target)
                throw error
            }
            try? fm.removeItem(at: retired)
        }
    }
}
