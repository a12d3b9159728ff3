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
        let base = folder(directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: base, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LoadError(description: "content folder '\(base)' does not exist")
        }
        var tree = ContentTree(siteSettings: nil, bibliography: nil, pages: [], attachments: [])
        var loaded: [String: LoadedFile] = [:]
        loaded.reserveCapacity(previous.count)
        for (relative, identity) in try listFilesWithIdentity(base) {
            func file() throws -> SourceFile {
                let entry = try reuseOrRead(relative, identity: identity, in: base, known: previous[relative])
                loaded[relative] = entry
                return entry.file
            }
            switch ContentTree.Kind(relative) {
            case .settings: tree.siteSettings = try file()
            case .bibliography: tree.bibliography = try file()
            case .page: tree.pages.append(try file())
            case .attachment: tree.attachments.append(relative)
            }
        }
        previous = loaded
        return tree
    }

    /// The content folder as paths inside it start: without a trailing `/`.
    static func folder(_ directory: String) -> String {
        directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
    }

    /// `known` if the file still has its identity, else the file read afresh.
    private static func reuseOrRead(_ relative: String, identity: FileIdentity, in base: String, known: LoadedFile?)
        throws -> LoadedFile
    {
        let display = base == "." ? relative : "\(base)/\(relative)"
        if let known, known.identity == identity, known.file.path == display { return known }
        return LoadedFile(identity: identity, file: try read(display, relative))
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

extension ContentLoader {
    /// `previous` brought up to date from the paths a file watcher saw change, reading only
    /// those; nil when that cannot be done exactly (a folder appeared or went), and the caller
    /// must load the whole folder. `files` is kept as `load(directory:reusing:)` keeps it.
    static func update(
        _ previous: ContentTree, directory: String, changed: Set<String>, files: inout [String: LoadedFile]
    ) throws -> ContentTree? {
        let base = folder(directory)
        var tree = previous
        for path in changed.sorted() where path.hasPrefix(base + "/") {
            // A watcher given `Content/` names `Content//a.md`.
            let relative = String(path.dropFirst(base.count).drop { $0 == "/" })
            let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
            // What the listing skips, a change cannot bring in.
            if parts.contains(where: { $0.isEmpty || $0.hasPrefix(".") || $0.hasPrefix("_") }) { continue }
            var info = stat()
            guard lstat(path, &info) == 0 else {
                let folder = relative + "/"
                if tree.pages.contains(where: { $0.relativePath.hasPrefix(folder) })
                    || tree.attachments.contains(where: { $0.hasPrefix(folder) })
                {
                    return nil
                }
                tree.remove(relative)
                files[relative] = nil
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                return nil
            case S_IFREG where ContentTree.Kind(relative) == .attachment:
                // Attachments are copied when the site is written, never read here.
                tree.insertAttachment(relative)
            case S_IFREG:
                let entry = try reuseOrRead(relative, identity: FileIdentity(info), in: base, known: files[relative])
                files[relative] = entry
                tree.put(entry.file)
            default:
                tree.remove(relative)
                files[relative] = nil
            }
        }
        return tree
    }
}

extension ContentTree {
    /// What a file is to the site, by its path inside the content folder.
    enum Kind: Equatable {
        case settings, bibliography, page, attachment

        init(_ relative: String) {
            switch relative {
            case "site.yaml": self = .settings
            case "bibliography.yaml": self = .bibliography
            case _ where relative.hasSuffix(".md"): self = .page
            default: self = .attachment
            }
        }
    }

    /// Adds or replaces a file where `ContentLoader.load` would have put it.
    mutating func put(_ file: SourceFile) {
        let relative = file.relativePath
        switch Kind(relative) {
        case .settings:
            siteSettings = file
        case .bibliography:
            bibliography = file
        case .attachment:
            insertAttachment(relative)
        case .page:
            let index = pages.partitioningIndex { $0.relativePath >= relative }
            if index < pages.count, pages[index].relativePath == relative {
                pages[index] = file
            } else {
                pages.insert(file, at: index)
            }
        }
    }

    /// Adds an attachment in order, unless it is listed already.
    mutating func insertAttachment(_ relative: String) {
        let index = attachments.partitioningIndex { $0 >= relative }
        if index == attachments.count || attachments[index] != relative { attachments.insert(relative, at: index) }
    }

    /// Drops a file, whichever kind it was.
    mutating func remove(_ relative: String) {
        switch Kind(relative) {
        case .settings: siteSettings = nil
        case .bibliography: bibliography = nil
        case .page: pages.removeAll { $0.relativePath == relative }
        case .attachment: attachments.removeAll { $0 == relative }
        }
    }
}

extension Array {
    /// The first index whose element satisfies `belongs`, for an array partitioned by it.
    func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
