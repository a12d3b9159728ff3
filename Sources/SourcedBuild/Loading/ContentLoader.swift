import Foundation
import SourcedCore

/// A file read from the content folder.
package struct SourceFile: Sendable {
    /// Path for diagnostics: the content folder as given, then the path inside it.
    package var path: String
    /// Path inside the content folder, `/`-separated.
    package var relativePath: String
    package var bytes: [UInt8]
}

/// Everything `Content/` holds, read once.
package struct ContentTree: Sendable {
    package var siteSettings: SourceFile?
    package var bibliography: SourceFile?
    package var pages: [SourceFile]
    /// Other files (images, attachments), relative to the content folder, sorted.
    package var attachments: [String]
}

/// A failure that is not the content's fault: a missing or unreadable folder or file.
package struct LoadError: Error, CustomStringConvertible {
    package var description: String
}

enum ContentLoader {
    /// Reads the content folder; files and folders whose names start with `_` or `.` are skipped.
    static func load(directory: String) throws -> ContentTree {
        let listing = try list(directory: directory)
        var files: [String: SourceFile] = [:]
        for (relative, _) in listing.read { files[relative] = try read(relative, in: listing.base) }
        return tree(listing, files: files)
    }

    /// The content folder's files as listed, before any is read.
    struct Listing: Sendable {
        /// The folder as paths inside it start (`folder(_:)`).
        var base: String
        /// Every file, sorted by path.
        var files: [(relative: String, identity: FileIdentity)]

        /// The files a load reads: the settings, the bibliography and the pages.
        var read: [(relative: String, identity: FileIdentity)] {
            files.filter { ContentTree.Kind($0.relative) != .attachment }
        }
    }

    static func list(directory: String) throws -> Listing {
        let base = folder(directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: base, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LoadError(description: "content folder '\(base)' does not exist")
        }
        return Listing(base: base, files: try listFilesWithIdentity(base))
    }

    /// The tree of a listing, given each file it reads (`Listing.read`) by path.
    static func tree(_ listing: Listing, files: [String: SourceFile]) -> ContentTree {
        var tree = ContentTree(siteSettings: nil, bibliography: nil, pages: [], attachments: [])
        for (relative, _) in listing.files {
            switch ContentTree.Kind(relative) {
            case .settings: tree.siteSettings = files[relative]
            case .bibliography: tree.bibliography = files[relative]
            case .page: if let file = files[relative] { tree.pages.append(file) }
            case .attachment: tree.attachments.append(relative)
            }
        }
        return tree
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

    /// The content folder as paths inside it start: without a trailing `/`.
    static func folder(_ directory: String) -> String {
        directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
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

    /// The path diagnostics name a file by: the content folder as given, then the path inside it.
    static func displayPath(_ relative: String, in base: String) -> String {
        base == "." ? relative : "\(base)/\(relative)"
    }

    static func read(_ relative: String, in base: String) throws -> SourceFile {
        let display = displayPath(relative, in: base)
        guard let data = FileManager.default.contents(atPath: display) else {
            throw LoadError(description: "cannot read '\(display)'")
        }
        return SourceFile(path: display, relativePath: relative, bytes: Array(data))
    }
}

/// What a file watcher's path means for the tree.
enum ContentChange: Sendable {
    /// Gone, or no longer a regular file.
    case removed(String)
    case attachment(String)
    /// A file to read (again): the settings, the bibliography or a page.
    case file(String, ContentLoader.FileIdentity)
}

extension ContentLoader {
    /// What the paths a file watcher saw change mean for `previous`; nil when that cannot be
    /// told exactly (a folder appeared or went), and the whole folder must be loaded.
    static func changes(_ previous: ContentTree, directory: String, changed: Set<String>) -> [ContentChange]? {
        let base = folder(directory)
        var changes: [ContentChange] = []
        for path in changed.sorted() where path.hasPrefix(base + "/") {
            // A watcher given `Content/` names `Content//a.md`.
            let relative = String(path.dropFirst(base.count).drop { $0 == "/" })
            let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
            // What the listing skips, a change cannot bring in.
            if parts.contains(where: { $0.isEmpty || $0.hasPrefix(".") || $0.hasPrefix("_") }) { continue }
            var info = stat()
            guard lstat(path, &info) == 0 else {
                let folder = relative + "/"
                if previous.pages.contains(where: { $0.relativePath.hasPrefix(folder) })
                    || previous.attachments.contains(where: { $0.hasPrefix(folder) })
                {
                    return nil
                }
                changes.append(.removed(relative))
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                return nil
            case S_IFREG where ContentTree.Kind(relative) == .attachment:
                // Attachments are copied when the site is written, never read here.
                changes.append(.attachment(relative))
            case S_IFREG:
                changes.append(.file(relative, FileIdentity(info)))
            default:
                changes.append(.removed(relative))
            }
        }
        return changes
    }
}

extension ContentTree {
    /// The tree with `changes` made, given each file a `.file` change names, by path.
    func applying(_ changes: [ContentChange], files: [String: SourceFile]) -> ContentTree {
        var tree = self
        for change in changes {
            switch change {
            case .removed(let relative): tree.remove(relative)
            case .attachment(let relative): tree.insertAttachment(relative)
            case .file(let relative, _): if let file = files[relative] { tree.put(file) }
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
