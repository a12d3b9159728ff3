import Foundation
import SourcedCore

/// A file read from the content folder.
public struct SourceFile: Sendable, Codable {
    /// Path for diagnostics: the content folder as given, then the path inside it.
    public var path: String
    /// Path inside the content folder, `/`-separated.
    public var relativePath: String
    public var bytes: [UInt8]
}

/// Everything `Content/` holds, read once.
public struct ContentTree: Sendable {
    public var siteSettings: SourceFile?
    public var bibliography: SourceFile?
    public var pages: [SourceFile]
    /// Other files (images, attachments), relative to the content folder, sorted.
    public var attachments: [String]
}

/// A failure that is not the content's fault: a missing or unreadable folder or file.
public struct LoadError: Error, CustomStringConvertible {
    public var description: String
}

enum ContentLoader {
    /// Reads the content folder; files and folders whose names start with `_` or `.` are skipped.
    static func load(directory: String) throws -> ContentTree {
        var unused: [String: LoadedFile] = [:]
        return try load(directory: directory, reusing: &unused)
    }

    /// A file as the last load read it, and the identity it had then.
    struct LoadedFile: Sendable {
        var identity: FileIdentity
        var file: SourceFile
    }

    /// What `lstat` says of a file; a save changes it (size, modification time, or the inode
    /// when an editor saves by rename), so a file with the same identity need not be read again.
    struct FileIdentity: Sendable, Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: Int
        var modifiedNanoseconds: Int
        var changed: Int
        var changedNanoseconds: Int

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            modified = info.st_mtim.tv_sec
            modifiedNanoseconds = info.st_mtim.tv_nsec
            changed = info.st_ctim.tv_sec
            changedNanoseconds = info.st_ctim.tv_nsec
        }
    }

    /// The same, re-reading only files whose identity changed since `previous`, which then
    /// holds what this load read. The preview server's rebuilds use it.
    static func load(directory: String, reusing previous: inout [String: LoadedFile]) throws -> ContentTree {
        let base = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: base, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LoadError(description: "content folder '\(base)' does not exist")
        }
        var tree = ContentTree(siteSettings: nil, bibliography: nil, pages: [], attachments: [])
        var loaded: [String: LoadedFile] = [:]
        loaded.reserveCapacity(previous.count)
        for (relative, identity) in try listFilesWithIdentity(base) {
            let display = base == "." ? relative : "\(base)/\(relative)"
            func file() throws -> SourceFile {
                if let known = previous[relative], known.identity == identity, known.file.path == display {
                    loaded[relative] = known
                    return known.file
                }
                let file = try read(display, relative)
                loaded[relative] = LoadedFile(identity: identity, file: file)
                return file
            }
            switch relative {
            case "site.yaml":
                tree.siteSettings = try file()
            case "bibliography.yaml":
                tree.bibliography = try file()
            case _ where relative.hasSuffix(".md"):
                tree.pages.append(try file())
            default:
                tree.attachments.append(relative)
            }
        }
        previous = loaded
        return tree
    }

    /// Relative paths of every regular file below `base`, sorted so builds are deterministic.
    static func listFiles(_ base: String) throws -> [String] {
        try listFilesWithIdentity(base).map(\.relative)
    }

    /// The same, each with its identity.
    static func listFilesWithIdentity(_ base: String) throws -> [(relative: String, identity: FileIdentity)] {
        var files: [(relative: String, identity: FileIdentity)] = []
        var pending = [""]
        while let folder = pending.popLast() {
            let entries: [String]
            do {
                entries = try FileManager.default.contentsOfDirectory(
                    atPath: folder.isEmpty ? base : base + "/" + folder)
            } catch {
                throw LoadError(description: "cannot read folder '\(base)/\(folder)': \(error.localizedDescription)")
            }
            for name in entries where !name.hasPrefix(".") && !name.hasPrefix("_") {
                let relative = folder.isEmpty ? name : "\(folder)/\(name)"
                // lstat: a symbolic link is neither a folder nor a file here.
                var info = stat()
                guard lstat(base + "/" + relative, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: pending.append(relative)
                case S_IFREG: files.append((relative, FileIdentity(info)))
                default: break
                }
                // Symbolic links and special files are not content: a link could reach
                // anything on the machine.
            }
        }
        return files.sorted { $0.relative < $1.relative }
    }

    private static func read(_ display: String, _ relative: String) throws -> SourceFile {
        guard let data = FileManager.default.contents(atPath: display) else {
            throw LoadError(description: "cannot read '\(display)'")
        }
        return SourceFile(path: display, relativePath: relative, bytes: Array(data))
    }
}
