import Foundation
import SourcedCore

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
    /// A symlink or a folder already at `path` (in a reused folder) is replaced, never followed.
    @discardableResult
    private static func writing(
        _ path: String, _ body: (_ write: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Void
    ) throws -> FileStamp? {
        func failure() -> Refusal {
            Refusal(description: "cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        let flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW
        var fd = open(path, flags, 0o644)
        if fd < 0, errno == ELOOP || errno == EISDIR {
            removeEntry(path)
            fd = open(path, flags, 0o644)
        }
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
        var status = stat()
        return fstat(fd, &status) == 0 ? FileStamp(status) : nil
    }

    /// Which file a path held when it was written: any write or replacement changes it.
    struct FileStamp: Sendable, Equatable, WireCodable {
        var inode: Int
        var size: Int
        /// Modification time in nanoseconds.
        var modified: Int

        init(_ status: stat) {
            inode = Int(bitPattern: UInt(status.st_ino))
            size = Int(status.st_size)
            modified = status.st_mtim.tv_sec * 1_000_000_000 + status.st_mtim.tv_nsec
        }

        func write(to wire: inout WireWriter) {
            wire.write(inode)
            wire.write(size)
            wire.write(modified)
        }

        init(from wire: inout WireReader) throws(WireError) {
            inode = try wire.read()
            size = try wire.read()
            modified = try wire.read()
        }
    }

    /// The stamp of the regular file (not a symlink) at `path`.
    static func stamp(_ path: String) -> FileStamp? {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        return FileStamp(status)
    }

    /// The stamp of `path` if it is a regular file (not a symlink) that holds exactly `bytes`.
    private static func holds(_ path: String, _ bytes: UnsafeBufferPointer<UInt8>) -> FileStamp? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG, Int(status.st_size) == bytes.count else {
            return nil
        }
        var buffer = [UInt8](repeating: 0, count: min(bytes.count, 1 << 16))
        var offset = 0
        while offset < bytes.count {
            let n = read(fd, &buffer, min(buffer.count, bytes.count - offset))
            guard n > 0, memcmp(buffer, bytes.baseAddress! + offset, n) == 0 else { return nil }
            offset += n
        }
        return FileStamp(status)
    }

    /// Whether `path` is a folder itself, not a symlink to one.
    private static func isFolder(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
    }

    /// Removes a file, a symlink (not what it points to) or a whole folder.
    private static func removeEntry(_ path: String) {
        if isFolder(path) {
            try? FileManager.default.removeItem(atPath: path)
        } else {
            unlink(path)
        }
    }

    /// Whether `folder` is the output of an earlier build.
    private static func isEarlierOutput(_ folder: String) -> Bool {
        isFolder(folder) && access(folder + "/" + marker, F_OK) == 0
    }

    /// Which build wrote `folder`: the inode and modification time of the marker every build
    /// writes afresh (its text is always the same, so that two builds of the same content are
    /// byte-identical). Nil when there is no marker.
    static func buildID(of folder: String) -> String? {
        stamp(folder + "/" + marker).flatMap(buildID)
    }

    /// Nil for a file system whose times are whole seconds (FAT, some network file systems):
    /// there two builds a second apart could leave markers alike.
    private static func buildID(_ stamp: FileStamp) -> String? {
        stamp.modified % 1_000_000_000 == 0 ? nil : "\(stamp.inode):\(stamp.modified)"
    }

    /// A site being written: every file goes into a staging folder beside the output, which
    /// `finish` swaps in. Files are written as they are rendered, so the build never holds the
    /// whole site in memory (about 300 MB of 10,000 pages).
    ///
    /// The folder swapped out is kept beside the output as its spare (`.Public.sourced-spare`,
    /// hidden from Git by a `.gitignore` of `*`), and the next build writes into it: it
    /// overwrites files, makes only the folders that are new, and removes what it no longer
    /// builds. On ext4, deleting the old 10,000-page folder took 1-2 s and creating 10,000 new
    /// folders just after it 1.7-4.6 s, where overwriting the same files took 0.4-0.6 s.
    struct Staged: Sendable {
        let target: URL
        let staging: URL
        let spare: URL
        private let base: String
        /// What this build writes, relative to the folder.
        private let folders: Set<Substring>
        private let files: Set<String>
        /// Whether staging began as the spare, with an earlier build's files in it.
        private let reused: Bool
        /// Which build wrote the files staging began with, if it began as the spare (see
        /// `OutputWriter.buildID`).
        let reusedBuild: String?
        /// Which build wrote the folder this one replaces.
        let replacedBuild: String?

        /// Claims the spare as the staging folder, or makes a new one, and makes every folder
        /// `paths` need, each with one mkdir (Foundation's createDirectory cost a twentieth of a
        /// 10,000-page build).
        init(directory: String, paths: [String]) throws {
            try checkReplaceable(directory)
            let fm = FileManager.default
            target = URL(fileURLWithPath: directory).standardizedFileURL
            let parent = target.deletingLastPathComponent()
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            let pid = ProcessInfo.processInfo.processIdentifier
            staging = parent.appendingPathComponent(".\(target.lastPathComponent).sourced-new-\(pid)")
            spare = parent.appendingPathComponent(".\(target.lastPathComponent).sourced-spare")
            base = staging.path + "/"
            try? fm.removeItem(at: staging)
            // A rename claims the spare whole; a build running beside this one starts afresh.
            reused = isEarlierOutput(spare.path) && rename(spare.path, staging.path) == 0
            if !reused { try fm.createDirectory(at: staging, withIntermediateDirectories: true) }
            reusedBuild = reused ? OutputWriter.buildID(of: staging.path) : nil
            replacedBuild = OutputWriter.buildID(of: target.path)
            var folders: Set<Substring> = []
            for path in paths {
                for part in path.split(separator: "/").dropLast() {
                    folders.insert(path[..<part.endIndex])
                }
            }
            self.folders = folders
            files = Set(paths)
            do {
                // Sorted, so a folder is made (or a symlink in its place removed) before
                // anything inside it.
                for folder in folders.sorted() {
                    let path = base + folder
                    if mkdir(path, 0o755) == 0 { continue }
                    if errno == EEXIST, isFolder(path) { continue }
                    removeEntry(path)
                    guard mkdir(path, 0o755) == 0 else {
                        throw Refusal(description: "cannot create '\(path)': \(String(cString: strerror(errno)))")
                    }
                }
            } catch {
                discard()
                throw error
            }
        }

        /// Writes one file; safe from many threads at once. The stamp of the file as written,
        /// except for a copy.
        @discardableResult
        func write(_ file: OutputFile) throws -> FileStamp? {
            switch file.content {
            case .text(var text):
                return try text.withUTF8 { try write($0, to: file.path) }
            case .bytes(let bytes):
                return try bytes.withUnsafeBufferPointer { try write($0, to: file.path) }
            case .pieces(let pieces):
                // Gathered into buffers of about 1 MiB.
                return try writing(base + file.path) { write in
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
                if reused { removeEntry(base + file.path) }
                try FileManager.default.copyItem(atPath: source, toPath: base + file.path)
            }
            return nil
        }

        /// Writes `bytes`, unless an earlier build left exactly them there: a file kept as it
        /// was is cheaper than one rewritten, and keeps its modification time for tools that
        /// sync the site by it.
        private func write(_ bytes: UnsafeBufferPointer<UInt8>, to path: String) throws -> FileStamp? {
            if reused, let kept = holds(base + path, bytes) { return kept }
            return try writing(base + path) { write in try write(bytes) }
        }

        /// The stamp of the file at `path` in staging, as an earlier build left it.
        func stamp(_ path: String) -> FileStamp? {
            reused ? OutputWriter.stamp(base + path) : nil
        }

        /// Drops what was written; the output folder stays as it was.
        func discard() {
            try? FileManager.default.removeItem(at: staging)
        }

        /// Removes what an earlier build left in a reused staging folder and this one does not
        /// write, and every dotfile at its top (the output's own are copied in afresh). It
        /// touches nothing this build writes, so it may run while the files are written.
        func removeLeftovers() {
            if reused { sweep("") }
        }

        private func sweep(_ folder: String) {
            guard let directory = opendir(base + folder) else { return }
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(directory)
            for name in names {
                let relative = folder + name
                if folder.isEmpty && name.hasPrefix(".") {
                    removeEntry(base + relative)
                } else if isFolder(base + relative) {
                    if folders.contains(Substring(relative)) {
                        sweep(relative + "/")
                    } else {
                        removeEntry(base + relative)
                    }
                } else if !files.contains(relative) {
                    unlink(base + relative)
                }
            }
        }

        /// Marks the staging folder as ours, keeps the old folder's dotfiles, and swaps it in;
        /// the old folder becomes the spare. Returns which build this is (see `buildID`).
        @discardableResult
        func finish(leftoversRemoved: Bool = false) throws -> String? {
            let fm = FileManager.default
            let markerStamp: FileStamp?
            do {
                if !leftoversRemoved { removeLeftovers() }
                markerStamp = try writing(staging.appendingPathComponent(marker).path) { write in
                    var text = "written by sourced build; this folder is replaced on every build\n"
                    try text.withUTF8 { try write($0) }
                }
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
            let build = markerStamp.flatMap(OutputWriter.buildID)
            guard fm.fileExists(atPath: target.path) else {
                try fm.moveItem(at: staging, to: target)
                return build
            }
            // Another build may have left a spare meanwhile; then the old folder goes.
            let pid = ProcessInfo.processInfo.processIdentifier
            let retired = target.deletingLastPathComponent()
                .appendingPathComponent(".\(target.lastPathComponent).sourced-old-\(pid)")
            let keptAsSpare = rename(target.path, spare.path) == 0
            let old = keptAsSpare ? spare : retired
            if !keptAsSpare { try fm.moveItem(at: target, to: retired) }
            do {
                try fm.moveItem(at: staging, to: target)
            } catch {
                try? fm.moveItem(at: old, to: target)
                throw error
            }
            if keptAsSpare {
                try? Data("*\n".utf8).write(to: spare.appendingPathComponent(".gitignore"))
            } else {
                try? fm.removeItem(at: retired)
            }
            return build
        }
    }
}
