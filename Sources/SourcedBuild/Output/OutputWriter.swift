import CSystemCalls
import Foundation
import SourcedCore

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a built site beside the output folder and swaps it in at the end (SPEC §5).
///
/// The old folder is replaced only if it is empty (dotfiles aside) or carries the marker an
/// earlier build left and holds nothing that build did not write (the marker lists its files),
/// so files nobody built are never silently deleted.
enum OutputWriter {
    static let marker = ".sourced-build"
    static let markerHeading = "written by sourced build; this folder is replaced on every build\n"
    /// Then one path a line, a backslash in it written `\\\\` and a line break `\\n`.
    static let markerListHeading = "files this build wrote:\n"

    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    /// One line saying what went wrong with `path`, from `errno`.
    static func failure(_ what: String, _ path: String) -> Refusal {
        Refusal(description: "cannot \(what) '\(path)': \(String(cString: strerror(errno)))")
    }

    /// What a folder's marker says about it.
    enum Provenance: Equatable {
        /// No marker: no build wrote it.
        case unmarked
        /// A marker of a version of Sourced that did not list what it wrote.
        case unlisted
        /// The files (paths relative to the folder) the build that wrote it wrote.
        case listed(Set<String>)
    }

    static func provenance(of folder: String) -> Provenance {
        guard isFolder(folder), let data = FileManager.default.contents(atPath: folder + "/" + marker) else {
            return .unmarked
        }
        let text = String(decoding: data, as: UTF8.self)
        guard let list = text.range(of: markerListHeading) else { return .unlisted }
        var files: Set<String> = []
        for line in text[list.upperBound...].split(separator: "\n") { files.insert(unescape(line)) }
        return .listed(files)
    }

    /// The marker a build writes: always the same text for the same files, so that two builds
    /// of the same content are byte-identical.
    static func markerText(files: Set<String>) -> String {
        var text = markerHeading + markerListHeading
        for path in files.sorted() { text += escape(path) + "\n" }
        return text
    }

    private static func escape(_ path: String) -> String {
        guard path.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") }) else { return path }
        return path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    private static func unescape(_ line: Substring) -> String {
        guard line.contains("\\") else { return String(line) }
        var out = ""
        var escaped = false
        for c in line {
            if escaped {
                out.append(c == "n" ? "\n" : c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// The folder `directory` stands for: the folder a symlink there points to (so the link
    /// keeps naming the site, and the site is swapped where it lives), else `directory` itself.
    static func resolve(_ directory: String) throws -> String {
        var status = stat()
        guard lstat(directory, &status) == 0, status.st_mode & S_IFMT == S_IFLNK else { return directory }
        guard let real = realpath(directory, nil) else {
            throw Refusal(
                description:
                    "'\(directory)' is a symlink to a folder that does not exist (\(String(cString: strerror(errno)))); create the folder or choose another --output"
            )
        }
        defer { free(real) }
        var resolved = stat()
        let path = String(cString: real)
        guard stat(path, &resolved) == 0, resolved.st_mode & S_IFMT == S_IFDIR else {
            throw Refusal(description: "'\(directory)' is a symlink to '\(path)', which is not a folder")
        }
        return path
    }

    /// Checks that `directory` may be replaced, before any work is written: it is missing,
    /// empty but for dotfiles, or an earlier build's output holding only what that build wrote.
    static func checkReplaceable(_ directory: String) throws {
        let path = try resolve(directory)
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw Refusal(description: "output '\(directory)' exists and is not a folder")
        }
        let strangers: [String]
        switch provenance(of: path) {
        case .unlisted:
            return
        case .listed(let files):
            strangers = OutputWriter.strangers(in: path, besides: files)
        case .unmarked:
            guard let entries = entries(of: path) else { throw failure("read the folder", path) }
            strangers = entries.map(\.name).filter { !$0.hasPrefix(".") }
        }
        guard !strangers.isEmpty else { return }
        let shown = strangers.sorted().prefix(3).joined(separator: ", ") + (strangers.count > 3 ? ", …" : "")
        throw Refusal(
            description:
                "refusing to replace '\(directory)': it holds \(strangers.count == 1 ? "a file" : "\(strangers.count) files") that no Sourced build wrote (\(shown)); move \(strangers.count == 1 ? "it" : "them") out (files to publish belong in the content folder) or choose another --output"
        )
    }

    /// Files (and symlinks) below `folder` that are not in `files`, the dotfiles at its top aside.
    static func strangers(in folder: String, besides files: Set<String>) -> [String] {
        var found: [String] = []
        func walk(_ relative: String) {
            for entry in entries(of: folder + "/" + relative) ?? [] {
                if relative.isEmpty && entry.name.hasPrefix(".") { continue }
                let path = relative + entry.name
                if entry.isFolder {
                    walk(path + "/")
                } else if !files.contains(path) {
                    found.append(path)
                }
            }
        }
        walk("")
        return found
    }

    /// The names in a folder (never `.` or `..`) and whether each is a folder itself (a symlink
    /// to one is not); nil when it cannot be read.
    static func entries(of folder: String) -> [(name: String, isFolder: Bool)]? {
        guard let directory = opendir(folder) else { return nil }
        defer { closedir(directory) }
        var names: [(String, Bool)] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name == "." || name == ".." { continue }
            let type = entry.pointee.d_type
            let isFolder = type == DT_UNKNOWN ? Self.isFolder(folder + "/" + name) : type == DT_DIR
            names.append((name, isFolder))
        }
        return names
    }

    /// Makes `path` and the folders above it that are missing.
    static func makeFolders(_ path: String) throws {
        if mkdir(path, 0o755) == 0 || (errno == EEXIST && isFolder(path)) { return }
        guard errno == ENOENT else { throw failure("create the folder", path) }
        // On the text: Foundation's deletingLastPathComponent traps on some relative paths.
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else {
            throw failure("create the folder", path)
        }
        let parent = String(path[..<slash])
        try makeFolders(parent)
        if mkdir(path, 0o755) != 0, !(errno == EEXIST && isFolder(path)) { throw failure("create the folder", path) }
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
            guard DescriptorIO.writeAll(fd, UnsafeRawBufferPointer(bytes)) else { throw failure() }
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
            let n = buffer.withUnsafeMutableBytes { buffer in
                DescriptorIO.readSome(
                    fd,
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<min(buffer.count, bytes.count - offset)]))
            }
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

    /// Which build wrote `folder`: the inode and modification time of the marker every build
    /// writes afresh (its text is the same for the same files, so that two builds of the same
    /// content are byte-identical). Nil when there is no marker.
    static func buildID(of folder: String) -> String? {
        stamp(folder + "/" + marker).flatMap(buildID)
    }

    /// Nil for a file system whose times are whole seconds (FAT, some network file systems):
    /// there two builds a second apart could leave markers alike.
    private static func buildID(_ stamp: FileStamp) -> String? {
        stamp.modified % 1_000_000_000 == 0 ? nil : "\(stamp.inode):\(stamp.modified)"
    }

    /// Removes the staging folders (`.NAME.sourced-new-PID`) and retired outputs
    /// (`.NAME.sourced-old-PID`) that builds killed before they finished left in `parent`, those
    /// whose process is gone. A folder of a build still running is left alone.
    static func removeAbandoned(in parent: String, output name: String) {
        let prefixes = [".\(name).sourced-new-", ".\(name).sourced-old-"]
        let own = getpid()
        for entry in entries(of: parent) ?? [] where entry.isFolder {
            guard let prefix = prefixes.first(where: entry.name.hasPrefix),
                let pid = Int32(entry.name.dropFirst(prefix.count)), pid > 0, pid != own,
                kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            removeEntry(parent + "/" + entry.name)
        }
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
        /// The output folder (a symlink given as the output resolved to the folder it names).
        let target: URL
        let staging: URL
        let spare: URL
        private let base: String
        /// What this build writes, relative to the folder.
        private let folders: Set<Substring>
        private let files: Set<String>
        /// Whether staging began as the spare, with an earlier build's files in it.
        private let reused: Bool
        /// What the build that wrote the reused spare wrote: only those files are its to remove.
        /// Anything else there (a file that reached the output while a build ran, say) is left,
        /// so it shows up in the output and the next build names it.
        private let removable: Set<String>
        /// Which build wrote the files staging began with, if it began as the spare (see
        /// `OutputWriter.buildID`).
        let reusedBuild: String?
        /// Which build wrote the folder this one replaces.
        let replacedBuild: String?

        /// Claims the spare as the staging folder, or makes a new one, and makes every folder
        /// `paths` need, each with one mkdir (Foundation's createDirectory cost a twentieth of a
        /// 10,000-page build).
        /// Whether `directory` may be replaced is checked by the caller before the build's
        /// work. A file that reaches it after that goes with the old site into the spare, where
        /// it is kept (see `removable`), and the next build names it.
        init(directory: String, paths: [String]) throws {
            target = URL(fileURLWithPath: try resolve(directory)).standardizedFileURL
            let parent = target.deletingLastPathComponent()
            try makeFolders(parent.path)
            removeAbandoned(in: parent.path, output: target.lastPathComponent)
            let pid = ProcessInfo.processInfo.processIdentifier
            staging = parent.appendingPathComponent(".\(target.lastPathComponent).sourced-new-\(pid)")
            spare = parent.appendingPathComponent(".\(target.lastPathComponent).sourced-spare")
            base = staging.path + "/"
            removeEntry(staging.path)
            // A rename claims the spare whole; a build running beside this one starts afresh.
            let earlier = provenance(of: spare.path)
            reused = earlier != .unmarked && rename(spare.path, staging.path) == 0
            if !reused, mkdir(staging.path, 0o755) != 0 { throw failure("create the folder", staging.path) }
            if reused, case .listed(let files) = earlier { removable = files } else { removable = [] }
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
                    guard mkdir(path, 0o755) == 0 else { throw failure("create the folder", path) }
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
                try copy(source, to: base + file.path)
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
            removeEntry(staging.path)
        }

        /// Removes what the build that wrote a reused staging folder left and this one does not
        /// write, and every dotfile at its top (the output's own are copied in afresh). It
        /// touches nothing this build writes, so it may run while the files are written.
        func removeLeftovers() {
            if reused { sweep("") }
        }

        private func sweep(_ folder: String) {
            for entry in entries(of: base + folder) ?? [] {
                let relative = folder + entry.name
                if folder.isEmpty && entry.name.hasPrefix(".") {
                    removeEntry(base + relative)
                } else if entry.isFolder {
                    sweep(relative + "/")
                    // A folder this build does not make goes once nothing of anyone's is left in it.
                    if !folders.contains(Substring(relative)) { rmdir(base + relative) }
                } else if !files.contains(relative), removable.contains(relative) {
                    unlink(base + relative)
                }
            }
        }

        /// How `finish` swapped the new site in.
        struct Finished {
            /// Which build this is (see `buildID`).
            var build: String?
            /// False where the file system could not exchange the two folders in one step, so
            /// the output folder was missing for a moment between two renames.
            var atomic = true
        }

        /// Marks the staging folder as ours, keeps the old folder's dotfiles, and swaps it in
        /// with one atomic exchange; the old folder becomes the spare.
        @discardableResult
        func finish(leftoversRemoved: Bool = false) throws -> Finished {
            let markerStamp: FileStamp?
            let exists = access(target.path, F_OK) == 0
            do {
                if !leftoversRemoved { removeLeftovers() }
                markerStamp = try writing(staging.appendingPathComponent(marker).path) { write in
                    var text = markerText(files: files)
                    try text.withUTF8 { try write($0) }
                }
                // Dotfiles of the old folder (a .gitkeep, say) are not the build's to drop.
                if exists {
                    for entry in entries(of: target.path) ?? []
                    where entry.name.hasPrefix(".") && entry.name != marker {
                        let destination = staging.appendingPathComponent(entry.name).path
                        removeEntry(destination)
                        try copy(target.appendingPathComponent(entry.name).path, to: destination)
                    }
                }
            } catch {
                discard()
                throw error
            }
            var finished = Finished(build: markerStamp.flatMap(OutputWriter.buildID))
            guard exists else {
                guard rename(staging.path, target.path) == 0 else {
                    let error = failure("move the new site to", target.path)
                    discard()
                    throw error
                }
                return finished
            }
            if sourced_exchange_paths(staging.path, target.path) == 0 {
                // Staging now holds the old site. Another build may have left a spare meanwhile;
                // then the old site goes.
                keepAsSpare(staging.path)
                return finished
            }
            guard errno == EINVAL || errno == ENOSYS || errno == ENOTSUP else {
                let error = failure("swap the new site in at", target.path)
                discard()
                throw error
            }
            // A file system that cannot exchange (some network and FUSE ones): two renames,
            // with the output folder missing between them.
            finished.atomic = false
            let retired = target.deletingLastPathComponent()
                .appendingPathComponent(".\(target.lastPathComponent).sourced-old-\(getpid())").path
            guard rename(target.path, retired) == 0 else {
                let error = failure("move the old site aside from", target.path)
                discard()
                throw error
            }
            guard rename(staging.path, target.path) == 0 else {
                let error = failure("move the new site to", target.path)
                _ = rename(retired, target.path)
                discard()
                throw error
            }
            keepAsSpare(retired)
            return finished
        }

        /// Makes the old site at `old` the spare, or removes it when another build left one.
        ///
        /// An old folder no build marked held nothing but dotfiles (it could not be replaced
        /// otherwise), and those are copied into the new site: it goes instead of becoming a
        /// spare that no build reuses. Such a spare, left by an earlier version, would keep
        /// every later output from becoming the spare (a `Public/` holding a `.gitkeep` then
        /// never kept a page): it goes too.
        private func keepAsSpare(_ old: String) {
            if OutputWriter.provenance(of: old) == .unmarked {
                removeEntry(old)
                return
            }
            if OutputWriter.provenance(of: spare.path) == .unmarked,
                OutputWriter.entries(of: spare.path)?.allSatisfy({ $0.name.hasPrefix(".") }) == true
            {
                removeEntry(spare.path)
            }
            guard rename(old, spare.path) == 0 else {
                removeEntry(old)
                return
            }
            let ignore = spare.appendingPathComponent(".gitignore").path
            removeEntry(ignore)
            _ = try? writing(ignore) { write in
                var text = "*\n"
                try text.withUTF8 { try write($0) }
            }
        }
    }

    /// Copies the file at `source` to `destination` (which must not exist).
    private static func copy(_ source: String, to destination: String) throws {
        do {
            try FileManager.default.copyItem(atPath: source, toPath: destination)
        } catch {
            throw Refusal(description: "cannot copy '\(source)' to '\(destination)': \(describe(error))")
        }
    }

    /// Foundation's file errors without their dictionary dump: the POSIX reason when there is one.
    static func describe(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return ns.localizedDescription
    }
}
