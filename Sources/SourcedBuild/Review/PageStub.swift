import Foundation

/// A new topic page (`sourced new`): front matter with every field a page takes, the optional
/// ones as comments to fill in, and a body of headings only, so the draft passes `check` until
/// its first claim is written.
package enum PageStub {
    package struct Exists: Error, CustomStringConvertible {
        package let path: String
        package var description: String { "'\(path)' already exists; nothing was written" }
    }

    package static func text(title: String) -> String {
        """
        ---
        title: \(quoted(title))
        # question: What is asked, as a reader would ask it?
        # summary: One or two sentences for listings, search and the feed.
        # tags: [electrolytes]
        review:
          status: draft
          # owner: Who answers for the page's review
        references: []
        # references:
        #   - id: smith2024
        #     type: guideline
        #     title: Title of the source
        #     doi: 10.1234/abc
        ---

        ## Overview

        ## See also

        """
    }

    /// Writes the stub at `path`, making its folder; never over an existing file.
    package static func write(title: String, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        // O_EXCL: a file made between a check and the write is never replaced.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            if errno == EEXIST { throw Exists(path: path) }
            throw LoadError(description: "cannot create '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let bytes = Array(text(title: title).utf8)
        guard bytes.withUnsafeBytes({ DescriptorIO.writeAll(descriptor, $0) }) else {
            throw LoadError(description: "cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
    }

    /// A YAML double-quoted scalar: the title is text, whatever it holds.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\x%02X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    package static func isValidSlug(_ slug: String) -> Bool { TopicDecoder.isValidSlug(slug) }
}
