import Crypto
import Foundation
import SourcedCore

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
public final class ResultStore {
    /// The cache file, inside the cache folder.
    public let file: String
    /// The code a result came from: entries written by another build of `sourced` are dropped.
    let program: String
    private var settings: SiteSettings?
    private var entries: [String: Entry] = [:]
    /// False while the file on disk already holds exactly `entries`.
    private var changed = false
    /// The file as read, once reading has started.
    private var loading: Task<Loaded?, Never>?
    private var loaded = false

    struct Loaded: Sendable {
        var settings: SiteSettings
        var entries: [String: Entry]
    }

    /// The first frame of the file.
    struct Header: WireCodable, Equatable {
        var magic = ResultStore.magic
        var formatVersion = ResultStore.formatVersion
        var program: String
        var settings: SiteSettings
        var count: Int

        func write(to wire: inout WireWriter) {
            wire.write(magic)
            wire.write(formatVersion)
            wire.write(program)
            wire.write(settings)
            wire.write(count)
        }

        init(program: String, settings: SiteSettings, count: Int) {
            self.program = program
            self.settings = settings
            self.count = count
        }

        init(from wire: inout WireReader) throws(WireError) {
            magic = try wire.read()
            formatVersion = try wire.read()
            program = try wire.read()
            settings = try wire.read()
            count = try wire.read()
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
    static let formatVersion = 1
    static let fileName = "pages.bin"

    /// A store in `directory`, for results made by `program`.
    public init(directory: String, program: String) {
        self.file = (directory as NSString).appendingPathComponent(Self.fileName)
        self.program = program
    }

    /// The default cache folder: `.sourced-cache` beside the content folder (in a project laid
    /// out as SPEC §1 says, the project's top level).
    public static func defaultDirectory(content: String) -> String {
        let parent = ((content as NSString).standardizingPath as NSString).deletingLastPathComponent
        return ((parent.isEmpty ? "." : parent) as NSString).appendingPathComponent(".sourced-cache")
    }

    /// This executable's identity: its device, inode, size and modification time, which change
    /// whenever it is rebuilt or replaced.
    public static func currentProgram() -> String {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return "unknown-\(UUID())" }
        return "\(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }

    /// Starts reading the file in the background, so that it is read while the content is.
    func startLoading() {
        guard loading == nil else { return }
        let file = file
        let program = program
        loading = Task.detached { ResultStore.load(file, program: program) }
    }

    /// The results of `files`: the kept one for each unchanged page, the rest from `parse`,
    /// which gets only the pages that need it. Afterwards the store holds exactly these pages.
    func results(
        for files: [SourceFile], settings: SiteSettings, parse: ([SourceFile]) async -> [PageResult]
    ) async -> [PageResult] {
        if !loaded {
            loaded = true
            startLoading()
            let kept = await loading?.value
            if let kept, kept.settings == settings {
                self.settings = kept.settings
                entries = kept.entries
            }
        }
        if self.settings != settings {
            entries = [:]
            changed = true
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
        for (index, result) in zip(stale, await parse(stale.map { files[$0] })) {
            results[index] = result
            let file = files[index]
            // A page that hit a worker's limits may pass on a quieter machine: never kept.
            if !result.diagnostics.contains(where: { $0.rule == .renderLimit }) {
                kept[file.relativePath] = Entry(
                    relativePath: file.relativePath, path: file.path, digest: digests[index], result: result)
            }
        }
        changed = changed || !stale.isEmpty || kept.count != entries.count
        entries = kept
        return results.map { $0! }
    }

    /// Writes the store if this run changed it, one frame per page (as `WorkerProtocol` frames
    /// them) so that neither writing nor reading holds the whole file in memory. It goes to a new
    /// file renamed over the old one, so a reader never sees half a file.
    public func save() throws {
        guard changed, let settings else { return }
        let directory = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Like `.Public.sourced-spare`: Git leaves the folder out without anyone listing it.
        let ignore = (directory as NSString).appendingPathComponent(".gitignore")
        if !FileManager.default.fileExists(atPath: ignore) {
            try Data("*\n".utf8).write(to: URL(fileURLWithPath: ignore))
        }
        let temporary = "\(file).\(getpid()).tmp"
        // Named by process, so two runs at once each write their own; one left by a killed run
        // whose number this process now has is removed first.
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StoreError(file: temporary, errno: errno) }
        var checksum = SHA256()
        func write(_ frame: [UInt8]) -> Bool {
            checksum.update(data: frame)
            return WorkerProtocol.writeFrames(descriptor, frame)
        }
        var written = write(WorkerProtocol.encode(Header(program: program, settings: settings, count: entries.count)))
        for key in entries.keys.sorted() where written {
            written = write(WorkerProtocol.encode(entries[key]!))
        }
        written = written && WorkerProtocol.writeFrames(descriptor, Array(checksum.finalize()))
        let problem = written ? nil : errno
        guard close(descriptor) == 0, problem == nil, rename(temporary, file) == 0 else {
            let error = StoreError(file: file, errno: problem ?? errno)
            unlink(temporary)
            throw error
        }
        changed = false
    }

    /// What `file` holds, if it is a whole store of results made by `program`.
    private static func load(_ file: String, program: String) -> Loaded? {
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var checksum = SHA256()
        func nextFrame() -> [UInt8]? {
            let frame = WorkerProtocol.readFrame(descriptor)
            if let frame { checksum.update(data: frame) }
            return frame
        }
        guard let frame = nextFrame(), let header = WorkerProtocol.decode(frame, as: Header.self),
            header == Header(program: program, settings: header.settings, count: header.count)
        else { return nil }
        var entries: [String: Entry] = [:]
        entries.reserveCapacity(min(max(header.count, 0), 1 << 20))
        for _ in 0..<max(header.count, 0) {
            guard let frame = nextFrame(), let entry = WorkerProtocol.decode(frame, as: Entry.self) else { return nil }
            entries[entry.relativePath] = entry
        }
        // The last frame is the SHA-256 of all before it: a changed byte anywhere drops the lot.
        let expected = Array(checksum.finalize())
        var after: UInt8 = 0
        guard WorkerProtocol.readFrame(descriptor) == expected, read(descriptor, &after, 1) == 0 else {
            return nil
        }
        return Loaded(settings: header.settings, entries: entries)
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
