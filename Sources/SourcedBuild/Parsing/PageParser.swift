import Foundation
import SourcedCore
import SourcedMarkdown

/// The per-page stage: a page's bytes to a `PageResult`.
enum PageParser {
    /// Placeholder href for a link to another topic, filled in once every page's URL is known.
    static func topicLinkPlaceholder(_ index: Int) -> String { placeholderPrefix + String(index) }
    private static let placeholderPrefix = "sourced:link:"

    /// Replaces each `href="sourced:link:N"` in `html` with `href="<url(N), escaped>"`.
    static func fillTopicLinks(_ html: String, _ url: (Int) -> String) -> String {
        topicLinks.replacing(in: html) { index, _ in "href=\"\(url(index).htmlEscaped)\"" }
    }

    private static let topicLinks = MarkerScanner(prefix: "href=\"" + placeholderPrefix, suffixes: ["\""])

    static func parse(_ file: SourceFile, settings: SiteSettings) -> PageResult {
        var result = PageResult(
            file: file.path, relativePath: file.relativePath, metadata: nil, markdown: nil, links: [], diagnostics: [],
            bodyDigest: nil)
        guard String(validating: file.bytes, as: UTF8.self) != nil else {
            result.diagnostics.append(invalidEncoding(file))
            return result
        }
        let split: FrontMatter
        switch FrontMatter.split(file.bytes) {
        case .success(let value):
            split = value
        case .failure(let failure):
            let message =
                failure == .missing
                ? "the page does not start with front matter ('---' on the first line)"
                : "the front matter is not closed by a '---' line"
            result.diagnostics.append(
                Diagnostic(
                    file: file.path, position: .init(line: 1, column: 1), rule: .frontMatter, message: message,
                    hint: "start the page with ---, the YAML fields (title, review.status …), then ---"))
            return result
        }
        let (metadata, diagnostics) = TopicDecoder.decode(
            split.yaml, file: file.path, lineOffset: split.yamlLineOffset, audiences: settings.audiences.map(\.name))
        result.metadata = metadata
        result.diagnostics += diagnostics
        result.bodyDigest = Fingerprint.bodyDigest(split.body)

        let directory = file.relativePath.split(separator: "/").dropLast().map(String.init)
        (result.markdown, result.links) = renderBody(
            split.body, lineOffset: split.bodyLineOffset, directory: directory, settings: settings,
            audiences: metadata?.audiences ?? [])
        // Without front matter the page's audiences are not known: its fences cannot be judged.
        for problem in metadata == nil ? [] : result.markdown?.audienceProblems ?? [] {
            result.diagnostics.append(
                Diagnostic(
                    file: file.path, position: problem.position, rule: .invalidAudience, message: problem.message,
                    hint: problem.hint))
        }
        result.markdown?.audienceProblems = []
        if let markdown = result.markdown, !markdown.grades.isEmpty || settings.evidence != nil {
            result.diagnostics += GradeRules.diagnostics(
                markdown, file: file.path, settings: settings, isTopic: metadata?.isTopic ?? true)
        }
        // Checks report only claims without a citation; keeping the others' text would cost a
        // copy of the page's prose in memory and in every worker reply.
        result.markdown?.claims.removeAll(where: \.isCited)
        return result
    }

    /// A page body (or the disclaimer) through cmark-gfm, each link resolved from `directory`
    /// (content-relative): a topic link gets a placeholder to fill once every page's URL is known.
    static func renderBody(
        _ body: [UInt8], lineOffset: Int, directory: [String], settings: SiteSettings, audiences: [String] = []
    ) -> (RenderedMarkdown, [LinkTarget]) {
        var targets: [LinkTarget] = []
        let markdown = MarkdownRenderer.render(body: body, lineOffset: lineOffset, audiences: audiences) {
            destination, _ in
            let target = resolve(destination, from: directory)
            targets.append(target)
            switch target {
            case .topic: return topicLinkPlaceholder(targets.count - 1)
            case .file(let path): return settings.rootPath + path + fragmentSuffix(destination)
            case .fragment, .outside: return destination
            case .external:
                // A link written as a placeholder would be filled with another link's URL.
                guard destination.hasPrefix(placeholderPrefix) else { return destination }
                return destination.replacingOccurrences(of: ":", with: "%3A")
            }
        }
        return (markdown, targets)
    }

    /// `site.yaml`'s disclaimer, parsed as a page body at the top of the content folder; nil
    /// when the settings have none.
    static func disclaimer(_ settings: SiteSettings, file: String, position: TextPosition) -> SettingsMarkdown? {
        settings.disclaimer.map { settingsMarkdown($0, settings, file: file, position: position) }
    }

    /// `site.yaml`'s editorial policy, as the link "View editorial policy" to its page; nil when
    /// the settings name none.
    static func editorialPolicy(_ settings: SiteSettings, file: String, position: TextPosition) -> SettingsMarkdown? {
        settings.editorialPolicy.map {
            settingsMarkdown("[View editorial policy](<\($0)>)", settings, file: file, position: position)
        }
    }

    private static func settingsMarkdown(
        _ text: String, _ settings: SiteSettings, file: String, position: TextPosition
    ) -> SettingsMarkdown {
        let (markdown, links) = renderBody(Array(text.utf8), lineOffset: 0, directory: [], settings: settings)
        return SettingsMarkdown(file: file, position: position, markdown: markdown, links: links)
    }

    /// Resolves a link destination written in a page in `directory` (content-relative).
    static func resolve(_ destination: String, from directory: [String]) -> LinkTarget {
        if destination.hasPrefix("#") { return .fragment(String(destination.dropFirst())) }
        if destination.isEmpty || destination.hasPrefix("/") || hasScheme(destination) { return .external }
        var pathPart = Substring(destination)
        var fragment: String?
        if let hash = pathPart.firstIndex(of: "#") {
            fragment = String(pathPart[pathPart.index(after: hash)...])
            pathPart = pathPart[..<hash]
        }
        if let query = pathPart.firstIndex(of: "?") { pathPart = pathPart[..<query] }
        // Foundation's decoding goes through UTF-16; most paths have nothing to decode.
        let decoded =
            pathPart.utf8.contains(UInt8(ascii: "%"))
            ? String(pathPart).removingPercentEncoding ?? String(pathPart) : String(pathPart)
        var components = directory
        for part in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                if components.isEmpty { return .outside }
                components.removeLast()
            default: components.append(String(part))
            }
        }
        let path = components.joined(separator: "/")
        if path.hasSuffix(".md") { return .topic(path: path, fragment: fragment.flatMap { $0.isEmpty ? nil : $0 }) }
        return .file(path: path)
    }

    private static func fragmentSuffix(_ destination: String) -> String {
        destination.firstIndex(of: "#").map { String(destination[$0...]) } ?? ""
    }

    private static func hasScheme(_ url: String) -> Bool {
        guard let colon = url.utf8.firstIndex(of: UInt8(ascii: ":")) else { return false }
        let scheme = url[..<colon]
        if scheme.utf8.allSatisfy({ $0 < 0x80 }) {
            // The same rule on bytes, for the usual ASCII scheme.
            func isLetter(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) }
            return scheme.utf8.first.map(isLetter) == true
                && scheme.utf8.allSatisfy {
                    isLetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || "+.-".utf8.contains($0)
                }
        }
        guard let first = scheme.first, first.isLetter else { return false }
        return scheme.allSatisfy { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "." || $0 == "-" }
    }

    private static func invalidEncoding(_ file: SourceFile) -> Diagnostic {
        // Report the first byte that does not decode.
        var line = 1
        var lineStart = 0
        var i = 0
        let bytes = file.bytes
        while i < bytes.count {
            let length = utf8SequenceLength(bytes, at: i)
            if length == 0 { break }
            if bytes[i] == UInt8(ascii: "\n") {
                line += 1
                lineStart = i + 1
            }
            i += length
        }
        let column = UTF8Column.column(ofByte: min(i, bytes.count) - lineStart, in: bytes[lineStart...])
        return Diagnostic(
            file: file.path, position: .init(line: line, column: column), rule: .invalidEncoding,
            message: "the page is not valid UTF-8", hint: "re-save the file as UTF-8")
    }

    /// Length of the valid UTF-8 sequence at `i`, or 0 when it is invalid.
    private static func utf8SequenceLength(_ b: [UInt8], at i: Int) -> Int {
        let lead = b[i]
        let length: Int
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard i + length <= b.count else { return 0 }
        for j in 1..<length where (b[i + j] & 0xC0) != 0x80 { return 0 }
        return String(validating: b[i..<(i + length)], as: UTF8.self) == nil ? 0 : length
    }
}
