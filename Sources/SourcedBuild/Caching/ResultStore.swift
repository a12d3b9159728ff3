import Foundation
import SourcedCore
import SourcedMarkdown

#if canImport(Glibc)
    import Glibc
#endif

/// Page results kept on disk between runs, so that `build` and `check` parse again only the
/// pages whose bytes changed since the last run (parsing is most of a cold run's CPU).
///
/// A result depends only on the page's bytes and paths, the site settings and the code that
/// parsed it (`PageResult`), so the file holds results for one settings value and one
/// `program`, and an entry is used only while its page's SHA-256 is the same. Anything
/// unexpected in the file (another format, a truncated write, another program) makes the store
/// start empty: a cache can make a run faster, never different.
///
/// The file is a run of segments, each frame as `WorkerProtocol` frames them: a `Header`, its
/// entries, then the SHA-256 of those frames. The first segment holds every page; a run that
/// only re-parsed some pages appends a segment of just those (a later entry for a page wins),
/// so saving after an edit costs its pages, not the site. Each header names the checksum of the
/// segment before it, so a segment appended to another version of the file, or cut short,
/// spoils the file as a whole. When the file holds many superseded entries, or a page went,
/// it is written afresh, to a new file renamed over the old one.
package final class ResultStore {
    /// The cache file, inside the cache folder.
    let file: String
    /// The code a result came from (`programIdentity` unless a test names one): entries made
    /// by any other code are dropped. Worked out on the loading task.
    private let givenProgram: String?
    private var program = ""
    /// Whether the run may write the file (`check`, `approve` and `serve` write nothing unless
    /// asked).
    let writes: Bool
    private var settings: SiteSettings?
    private var entries: [String: Entry] = [:]
    /// The file as this store last read or wrote it; nil when it must be written afresh.
    private var onDisk: OnDisk?
    /// Pages parsed by this run and kept, not yet in the file.
    private var added: [String] = []
    /// The file as read, once reading has started.
    private var loading: Task<(program: String, file: Loaded?), Never>?
    private var loaded = false

    struct OnDisk: Sendable {
        /// Entry frames in the file, superseded ones included.
        var frames: Int
        var size: Int
        /// The last segment's checksum.
        var checksum: String
    }

    struct Loaded: Sendable {
        var settings: SiteSettings
        var entries: [String: Entry]
        var onDisk: OnDisk
    }

    /// The first frame of each segment.
    struct Header: WireCodable, Equatable {
        var magic = ResultStore.magic
        var formatVersion = ResultStore.formatVersion
        var program: String
        var settings: SiteSettings
        var count: Int
        /// The checksum of the segment before; empty for the first.
        var previous: String

        func write(to wire: inout WireWriter) {
            wire.write(magic)
            wire.write(formatVersion)
            wire.write(program)
            wire.write(settings)
            wire.write(count)
            wire.write(previous)
        }

        init(program: String, settings: SiteSettings, count: Int, previous: String) {
            self.program = program
            self.settings = settings
            self.count = count
            self.previous = previous
        }

        init(from wire: inout WireReader) throws(WireError) {
            magic = try wire.read()
            formatVersion = try wire.read()
            program = try wire.read()
            settings = try wire.read()
            count = try wire.read()
            previous = try wire.read()
        }
    }

    /// One page's frame.
    struct Entry: WireCodable, Sendable {
        var relativePath: String
        var path: String
        var digest: String
        var result: PageResult

        func write(to wire: inout WireWriter) {
            wire.write(relativePath)
            wire.write(path)
            wire.write(digest)
            wire.write(result)
        }

        init(relativePath: String, path: String, digest: String, result: PageResult) {
            self.relativePath = relativePath
            self.path = path
            self.digest = digest
            self.result = result
        }

        init(from wire: inout WireReader) throws(WireError) {
            self.init(
                relativePath: try wire.read(), path: try wire.read(), digest: try wire.read(), result: try wire.read())
        }
    }

    static let magic = "sourced page results"
    /// Raised when the file's layout changes (the wire form of the values inside is pinned by
    /// `program`).
    static let formatVersion = 2
    static let fileName = "pages.bin"
    static let programFileName = "program"

    /// A store in `directory`, for results made by this executable (or by `program`).
    package init(directory: String, program: String? = nil, writes: Bool = true) {
        self.file = (directory as NSString).appendingPathComponent(Self.fileName)
        self.givenProgram = program
        self.writes = writes
    }

    /// The default cache folder: `.sourced-cache` beside the content folder (in a project laid
    /// out as SPEC §1 says, the project's top level).
    ///
    /// Worked out on the text of the path, as given: Foundation's `deletingLastPathComponent`
    /// traps on some relative paths (`C/`, `.`). A path whose last part is `.` or `..` names
    /// its folder only once made absolute.
    package static func defaultDirectory(content: String) -> String {
        var path = Substring(content)
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        let last = path.split(separator: "/").last ?? ""
        let parent: String
        if last == "." || last == ".." || path.isEmpty {
            parent =
                URL(fileURLWithPath: String(path.isEmpty ? "." : path)).standardizedFileURL
                .deletingLastPathComponent().path
        } else if let slash = path.lastIndex(of: "/") {
            parent = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            parent = "."
        }
        return parent.hasSuffix("/") ? parent + ".sourced-cache" : parent + "/.sourced-cache"
    }

    /// What the results of this process depend on besides their inputs: the SHA-256 of its
    /// executable and the cmark-gfm library's version. A hash of the contents, unlike the file's
    /// inode and time, is the same for the same build on another machine, so a CI job that
    /// restores the cache folder finds it valid. Hashing 60 MB takes about 30 ms, so the hash
    /// is kept in the cache folder under the executable's device, inode, size and modification
    /// time, and worked out again only when those change.
    static func programIdentity(directory: String, writes: Bool) -> String {
        let library = "cmark-gfm " + MarkdownRenderer.libraryVersion
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return "unknown \(UUID())" }
        let identity = "\(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        let memo = (directory as NSString).appendingPathComponent(programFileName)
        if let text = try? String(contentsOfFile: memo, encoding: .utf8) {
            let fields = text.split(separator: " ", maxSplits: 1)
            if fields.count == 2, fields[0] == identity { return fields[1] + ", " + library }
        }
        guard let digest = digest(ofFile: "/proc/self/exe") else { return "unknown \(UUID())" }
        let program = "sourced sha256:" + digest
        if writes, (try? prepare(directory)) != nil {
            // Written whole and renamed, so a reader never sees half of it; a failure only
            // costs the next run the hash.
            try? AtomicFile.replace(memo, bytes: Array("\(identity) \(program)".utf8))
        }
        return program + ", " + library
    }

    /// Makes the cache folder if need be, with a `.gitignore` of `*` (as `.Public.sourced-spare`
    /// has): Git leaves it out without anyone listing it.
    private static func prepare(_ directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let ignore = (directory as NSString).appendingPathComponent(".gitignore")
        if !FileManager.default.fileExists(atPath: ignore) {
            try Data("*\n".utf8).write(to: URL(fileURLWithPath: ignore))
        }
    }

    private static func digest(ofFile path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var hash = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { DescriptorIO.readSome(descriptor, into: $0) }
            guard n > 0 else { return n == 0 ? Fingerprint.hex(hash.finalize()) : nil }
            buffer.withUnsafeBytes { hash.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<n])) }
        }
    }

    /// Starts reading the file in the background, so that it is read while the content is;
    /// the reading under way, if it had started.
    @discardableResult
    func startLoading() -> Task<(program: String, file: Loaded?), Never> {
        if let loading { return loading }
        let file = file
        let given = givenProgram
        let writes = writes
        let task = Task.detached {
            let directory = (file as NSString).deletingLastPathComponent
            let program = given ?? ResultStore.programIdentity(directory: directory, writes: writes)
            return (program: program, file: ResultStore.load(file, program: program))
        }
        loading = task
        return task
    }

    /// The results of `files`: the kept one for each unchanged page, the rest from `parse`,
    /// which gets only the pages that need it. Afterwards the store holds exactly these pages.
    func results(
        for files: [SourceFile], settings: SiteSettings, parse: ([SourceFile]) async throws -> [PageResult]
    ) async rethrows -> [PageResult] {
        if !loaded {
            loaded = true
            let read = await startLoading().value
            // The task would otherwise hold the entries as read for as long as the store lives.
            loading = nil
            program = read.program
            if let file = read.file, file.settings == settings {
                (self.settings, entries, onDisk) = (file.settings, file.entries, file.onDisk)
            }
        }
        if self.settings != settings {
            (entries, onDisk, added) = ([:], nil, [])
        }
        self.settings = settings
        let digests = files.map { Self.digest($0.bytes) }
        var kept: [String: Entry] = [:]
        kept.reserveCapacity(files.count)
        var results: [PageResult?] = []
        results.reserveCapacity(files.count)
        var stale: [Int] = []
        for (file, digest) in zip(files, digests) {
            if let entry = entries[file.relativePath], entry.digest == digest, entry.path == file.path {
                kept[file.relativePath] = entry
                results.append(entry.result)
            } else {
                results.append(nil)
                stale.append(results.count - 1)
            }
        }
        for (index, result) in zip(stale, try await parse(stale.map { files[$0] })) {
            results[index] = result
            let file = files[index]
            // A page that hit a worker's limits may pass on a quieter machine: never kept.
            if !result.diagnostics.contains(where: { $0.rule == .renderLimit }) {
                kept[file.relativePath] = Entry(
                    relativePath: file.relativePath, path: file.path, digest: digests[index], result: result)
                added.append(file.relativePath)
            }
        }
        // A page the file holds that is no longer kept (removed, or now over a limit) can only
        // leave by writing the file afresh; an edited page is superseded by appending.
        if entries.keys.contains(where: { kept[$0] == nil }) { onDisk = nil }
        entries = kept
        return results.map { $0! }
    }

    /// What a build needs to keep the files it made before from the same inputs: the cache
    /// folder (which holds the kept-outputs manifest) and the program.
    func reuseInputs() -> (directory: String, program: String) {
        ((file as NSString).deletingLastPathComponent, program)
    }

    /// Saves if this store writes; why it could not, if it could not. A cache that cannot be
    /// written costs the next run time, never this one its result.
    func saveIfWritable() -> String? {
        guard writes else { return nil }
        do {
            try save()
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Writes what this run changed: a segment of the pages it parsed, or, when the file holds
    /// too much that is superseded or lost a page (or was never read), the whole store afresh.
    func save() throws {
        guard let settings else { return }
        if var onDisk, onDisk.frames + added.count <= entries.count + max(16, entries.count / 8) {
            guard !added.isEmpty else { return }
            let descriptor = open(file, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
            var info = stat()
            // The file as last read, still: append to it. Otherwise write it afresh below.
            if descriptor >= 0, fstat(descriptor, &info) == 0, Int(info.st_size) == onDisk.size {
                let segment = Self.writeSegment(
                    descriptor,
                    Header(program: program, settings: settings, count: added.count, previous: onDisk.checksum),
                    added.map { entries[$0]! })
                let problem = errno
                close(descriptor)
                guard let segment else { throw StoreError(file: file, errno: problem) }
                onDisk.frames += added.count
                onDisk.size += segment.size
                onDisk.checksum = segment.checksum
                self.onDisk = onDisk
                added = []
                return
            }
            if descriptor >= 0 { close(descriptor) }
        }
        try Self.prepare((file as NSString).deletingLastPathComponent)
        var written: (size: Int, checksum: String)?
        do {
            try AtomicFile.replace(file) { descriptor in
                written = Self.writeSegment(
                    descriptor, Header(program: program, settings: settings, count: entries.count, previous: ""),
                    entries.keys.sorted().map { entries[$0]! })
                return written != nil
            }
        } catch {
            throw StoreError(file: error.path, errno: error.errno)
        }
        guard let segment = written else { return }
        onDisk = OnDisk(frames: entries.count, size: segment.size, checksum: segment.checksum)
        added = []
    }

    /// Writes a segment, a megabyte at a time (so a segment of a few pages goes in one `write`,
    /// and a whole store never sits in memory encoded); its size and checksum, nil on failure.
    private static func writeSegment(_ descriptor: Int32, _ header: Header, _ entries: [Entry]) -> (
        size: Int, checksum: String
    )? {
        var checksum = SHA256()
        var buffer: [UInt8] = []
        var size = 0
        func flush() -> Bool {
            defer {
                size += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
            return WorkerProtocol.writeAll(descriptor, buffer)
        }
        func add(_ frame: [UInt8]) -> Bool {
            checksum.update(data: frame)
            WorkerProtocol.appendFrame(frame, to: &buffer)
            return buffer.count < 1 << 20 || flush()
        }
        guard add(WorkerProtocol.encode(header)) else { return nil }
        for entry in entries {
            guard add(WorkerProtocol.encode(entry)) else { return nil }
        }
        let digest = Fingerprint.hex(checksum.finalize())
        WorkerProtocol.appendFrame(Array(digest.utf8), to: &buffer)
        return flush() ? (size, digest) : nil
    }

    /// What `file` holds, if it is a whole store of results made by `program`.
    private static func load(_ file: String, program: String) -> Loaded? {
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        var size = 0
        func nextFrame() -> [UInt8]? {
            // A damaged length must not make it allocate beyond what the file holds.
            let frame = WorkerProtocol.readFrame(descriptor, limit: max(0, Int(info.st_size) - size - 4))
            size += frame.map { 4 + $0.count } ?? 0
            return frame
        }
        var entries: [String: Entry] = [:]
        var settings: SiteSettings?
        var frames = 0
        var previous = ""
        while size < Int(info.st_size) {
            guard let frame = nextFrame(), let header = WorkerProtocol.decode(frame, as: Header.self),
                header
                    == Header(
                        program: program, settings: settings ?? header.settings, count: header.count,
                        previous: previous),
                header.count >= 0
            else { return nil }
            settings = header.settings
            var checksum = SHA256()
            checksum.update(data: frame)
            for _ in 0..<header.count {
                guard let frame = nextFrame(), let entry = WorkerProtocol.decode(frame, as: Entry.self) else {
                    return nil
                }
                checksum.update(data: frame)
                entries[entry.relativePath] = entry
            }
            frames += header.count
            previous = Fingerprint.hex(checksum.finalize())
            guard nextFrame() == Array(previous.utf8) else { return nil }
        }
        var after: UInt8 = 0
        guard let settings, size == Int(info.st_size),
            withUnsafeMutableBytes(of: &after, { DescriptorIO.readSome(descriptor, into: $0) }) == 0
        else { return nil }
        return Loaded(
            settings: settings, entries: entries, onDisk: OnDisk(frames: frames, size: size, checksum: previous))
    }

    static func digest(_ bytes: [UInt8]) -> String {
        Fingerprint.hex(SHA256.hash(data: bytes))
    }

    struct StoreError: Error, CustomStringConvertible {
        var file: String
        var errno: Int32
        var description: String { "cannot write the cache '\(file)': \(String(cString: strerror(errno)))" }
    }
}
