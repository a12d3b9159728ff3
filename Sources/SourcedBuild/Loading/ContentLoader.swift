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
        let base = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: base, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LoadError(description: "content folder '\(base)' does not exist")
        }
        var tree = ContentTree(siteSettings: nil, bibliography: nil, pages: [], attachments: [])
        for relative in try listFiles(base) {
            let display = base == "." ? relative : "\(base)/\(relative)"
            switch relative {
            case "site.yaml":
                tree.siteSettings = try read(display, relative)
            case "bibliography.yaml":
                tree.bibliography = try read(display, relative)
            case _ where relative.hasSuffix(".md"):
                tree.pages.append(try read(display, relative))
            default:
                tree.attachments.append(relative)
            }
        }
        return tree
    }

    /// Relative paths of every regular file below `base`, sorted so builds are deterministic.
    static func listFiles(_ base: String) throws -> [String] {
        var files: [String] = []
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
                case S_IFREG: files.append(relative)
                default: break
                }
                // Symbolic links and special files are not content: a link could reach
                // anything on the machine.
            }
        }
        return files.sorted()
    }

    private static func read(_ display: String, _ relative: String) throws -> SourceFile {
        guard let data = FileManager.default.contents(atPath: display) else {
            throw LoadError(description: "cannot read '\(display)'")
        }
        return SourceFile(path: display, relativePath: relative, bytes: Array(data))
    }
}
