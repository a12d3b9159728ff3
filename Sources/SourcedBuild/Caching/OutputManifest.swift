import Foundation
import SourcedCore

#if canImport(Glibc)
    import Glibc
#endif

/// What the files of the last two builds that are worth keeping (topic pages, the home page,
/// the dashboard, the reference index page, `references.json`) were made from, kept in the
/// cache folder (`outputs.bin`, beside the page cache), so that a build can leave such a file
/// as it is instead of making it again.
///
/// A build writes into the spare: the folder the build before last wrote (see
/// `OutputWriter.Staged`). A file there already holds this build's bytes when the key it was
/// made from (`ViewKey`: a hash of its views and what every file is made from) is the key this build would
/// make it from, and the file is still the one that build left (same inode, size and
/// modification time). Each folder is known by its `.sourced-build` marker
/// (`OutputWriter.buildID`).
struct OutputManifest: WireCodable {
    typealias Record = KeptFile

    /// Those files of one build's folder.
    struct Generation: WireCodable {
        var build: String
        var files: [String: Record]

        func write(to wire: inout WireWriter) {
            wire.write(build)
            let paths = files.keys.sorted()
            wire.write(paths)
            wire.write(paths.map { files[$0]! })
        }

        init(build: String, files: [String: Record]) {
            self.build = build
            self.files = files
        }

        init(from wire: inout WireReader) throws(WireError) {
            build = try wire.read()
            let paths: [String] = try wire.read()
            let records: [Record] = try wire.read()
            guard paths.count == records.count else { throw WireError() }
            files = Dictionary(zip(paths, records), uniquingKeysWith: { a, _ in a })
        }
    }

    static let magic = "sourced outputs 1"
    static let fileName = "outputs.bin"

    var generations: [Generation]

    init(generations: [Generation]) {
        self.generations = generations
    }

    func write(to wire: inout WireWriter) {
        wire.write(Self.magic)
        wire.write(generations)
    }

    init(from wire: inout WireReader) throws(WireError) {
        guard try wire.read() as String == Self.magic else { throw WireError() }
        generations = try wire.read()
    }

    /// The records of the build with id `build`; empty when none is known.
    /// The manifest after a build that left `files` in the folder known as `build`, replacing
    /// the folder known as `replaced` (now the spare, whose record is kept).
    func recording(build: String, files: [String: Record], replaced: String?) -> OutputManifest {
        let spare = generations.first { $0.build == replaced }
        return OutputManifest(generations: [.init(build: build, files: files)] + (spare.map { [$0] } ?? []))
    }

    func files(of build: String?) -> [String: Record] {
        generations.first { $0.build == build }?.files ?? [:]
    }

    /// The manifest in `directory`, or an empty one if there is none or it cannot be read.
    static func load(directory: String) -> OutputManifest {
        let path = (directory as NSString).appendingPathComponent(fileName)
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return OutputManifest(generations: []) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0,
            let frame = WorkerProtocol.readFrame(descriptor, limit: max(0, Int(info.st_size) - 4)),
            let manifest = WorkerProtocol.decode(frame, as: OutputManifest.self)
        else { return OutputManifest(generations: []) }
        return manifest
    }

    /// Writes the manifest to a new file renamed over the old one; why it could not, if it
    /// could not. A manifest that cannot be written costs the next build time, never this one
    /// its output.
    func save(directory: String) -> String? {
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        var bytes: [UInt8] = []
        WorkerProtocol.appendFrame(WorkerProtocol.encode(self), to: &bytes)
        do {
            try AtomicFile.replace(path, bytes: bytes)
        } catch {
            return ResultStore.StoreError(file: error.path, errno: error.errno).description
        }
        return nil
    }
}
