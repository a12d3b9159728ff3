import ArgumentParser
import Foundation
import SourcedBuild

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a new topic page: front matter to fill in, a draft that passes check.")

    @Argument(help: "The page's title.")
    var title: String

    @Option(help: "Folder of topic pages, site.yaml and bibliography.yaml.")
    var content = "Content"

    @Option(help: "Folder inside the content folder to write the page to.")
    var folder = "topics"

    @Option(help: "The page's slug and file name; default: made from the title.")
    var slug: String?

    func run() throws {
        let name = slug ?? Self.slug(title)
        guard PageStub.isValidSlug(name) else {
            throw ValidationError(
                slug == nil
                    ? "the title gives no usable slug; name one with --slug"
                    : "--slug may hold only lower-case letters, digits, '-' and '_'")
        }
        guard !folder.split(separator: "/").contains(".."), !folder.hasPrefix("/") else {
            throw ValidationError("--folder must be a folder inside the content folder")
        }
        let directory = folder.isEmpty ? content : "\(content)/\(folder)"
        let path = "\(directory)/\(name).md"
        do {
            try PageStub.write(title: title, to: path)
        } catch {
            throw fail(error)
        }
        print("Wrote \(path): fill in its question, summary and references, then cite each claim.")
    }

    /// `Hypokalemia in adults` → `hypokalemia-in-adults`: lower-case letters and digits, words
    /// joined by hyphens, accents dropped.
    static func slug(_ title: String) -> String {
        let folded = title.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        var words: [String] = []
        var word = ""
        for scalar in folded.unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                word.unicodeScalars.append(scalar)
            } else if !word.isEmpty {
                words.append(word)
                word = ""
            }
        }
        if !word.isEmpty { words.append(word) }
        return words.joined(separator: "-")
    }
}
