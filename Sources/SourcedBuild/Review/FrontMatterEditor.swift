import SourcedCore
import Yams

/// Rewrites the review fields of a page's front matter in place: only the lines holding
/// `status`, `reviewed`, `reviewers` and `fingerprint` change; every other byte (comments,
/// key order, quoting, line endings, the body) stays as it was.
struct FrontMatterEditor {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The file's lines, each with its own line ending.
    private var lines: [[UInt8]]
    private let newline: [UInt8]
    /// Index of the closing `---` line.
    private let closingLine: Int

    init(_ bytes: [UInt8]) throws {
        var lines: [[UInt8]] = []
        var start = 0
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
            lines.append(Array(bytes[start...i]))
            start = i + 1
        }
        if start < bytes.count { lines.append(Array(bytes[start...])) }
        self.lines = lines
        newline = lines.first.map { $0.suffix(2) == [13, 10] } == true ? [13, 10] : [10]
        guard case .success(let split) = FrontMatter.split(bytes) else {
            throw Failure(description: "the page has no closed front matter")
        }
        closingLine = split.bodyLineOffset - 1
    }

    var bytes: [UInt8] { lines.flatMap { $0 } }

    /// Records an approval: status approved, the review date, the reviewer and the fingerprint.
    mutating func approve(reviewer: String, date: Day, fingerprint: String) throws {
        let yaml = String(decoding: lines[1..<closingLine].flatMap { $0 }, as: UTF8.self)
        guard let root = try Yams.compose(yaml: yaml, .basic), case .mapping(let top) = root else {
            throw Failure(description: "the front matter is not a mapping")
        }
        guard let (reviewKey, reviewNode) = top.first(where: { $0.key.string == "review" }) else {
            throw Failure(description: "the front matter has no 'review' field")
        }
        guard case .mapping(let review) = reviewNode, !isFlow(reviewNode) else {
            throw Failure(
                description: "'review' must be written as a block mapping (one field per line) to be approved")
        }
        let fieldIndent = review.first.map { ($0.key.mark?.column ?? 1) - 1 } ?? 2
        func value(_ key: String) -> Node? { review.first(where: { $0.key.string == key })?.value }
        // Edits go bottom-up so earlier line numbers stay valid.
        var edits: [(line: Int, apply: (inout FrontMatterEditor) throws -> Void)] = []
        let end = reviewBlockEnd(afterLine: fileLine(reviewKey))

        func setScalar(_ key: String, _ text: String) {
            if let node = value(key) {
                edits.append((fileLine(node), { try $0.replaceScalar(at: node, with: text) }))
            } else {
                edits.append((end, { $0.insert(indent: fieldIndent, "\(key): \(text)", after: end) }))
            }
        }
        setScalar("status", "approved")
        setScalar("reviewed", date.description)
        setScalar("fingerprint", fingerprint)

        if let reviewers = value("reviewers") {
            let names = reviewers.sequence?.compactMap(\.string) ?? reviewers.string.map { [$0] } ?? []
            if !names.contains(reviewer) {
                switch reviewers {
                case .sequence(let sequence) where !isFlow(reviewers) && !sequence.isEmpty:
                    let last = fileLine(sequence[sequence.count - 1])
                    let dash = (sequence[0].mark?.column ?? 3) - 3
                    let after = reviewBlockEnd(afterLine: last, deeperThan: dash)
                    edits.append((after, { $0.insert(indent: dash, "- \(Self.quoted(reviewer))", after: after) }))
                default:
                    let list = "[" + (names + [reviewer]).map(Self.quoted).joined(separator: ", ") + "]"
                    edits.append((fileLine(reviewers), { try $0.replaceScalar(at: reviewers, with: list) }))
                }
            }
        } else {
            edits.append((end, { $0.insert(indent: fieldIndent, "reviewers: [\(Self.quoted(reviewer))]", after: end) }))
        }
        // Bottom-up, and later edits of one line first, so the new lines keep the order above.
        let ordered = edits.enumerated().sorted { ($0.element.line, $0.offset) > ($1.element.line, $1.offset) }
        for edit in ordered { try edit.element.apply(&self) }
    }

    // MARK: Line surgery

    /// Whether a collection is written in flow style (`{…}` or `[…]`). Yams reports the style
    /// of a collection's end event, not its start, so look at the source.
    private func isFlow(_ node: Node) -> Bool {
        let line = lines[fileLine(node)]
        let offset = UTF8Column.byteOffset(ofColumn: node.mark?.column ?? 1, in: line)
        return offset < line.count && (line[offset] == UInt8(ascii: "{") || line[offset] == UInt8(ascii: "["))
    }

    /// File line index (0-based) of a node of the front matter's YAML.
    private func fileLine(_ node: Node) -> Int { (node.mark?.line ?? 1) }

    /// The last line (0-based) of the block that starts at `line`: following lines that are
    /// blank or indented deeper than `indent` (the starting line's own indentation by default).
    private func reviewBlockEnd(afterLine line: Int, deeperThan indent: Int? = nil) -> Int {
        let base = indent ?? indentation(of: lines[line])
        var last = line
        var i = line + 1
        while i < closingLine {
            let text = lines[i]
            let blank = text.allSatisfy { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }
            if !blank {
                guard indentation(of: text) > base else { break }
                last = i
            }
            i += 1
        }
        return last
    }

    private func indentation(of line: [UInt8]) -> Int {
        line.prefix { $0 == 32 }.count
    }

    private mutating func insert(indent: Int, _ text: String, after line: Int) {
        lines.insert(Array(repeating: 32, count: indent) + Array(text.utf8) + newline, at: line + 1)
    }

    /// Replaces a one-line scalar or flow value, keeping any trailing comment.
    private mutating func replaceScalar(at node: Node, with text: String) throws {
        let index = fileLine(node)
        let line = lines[index]
        let start = line.index(
            line.startIndex, offsetBy: UTF8Column.byteOffset(ofColumn: node.mark?.column ?? 1, in: line))
        var end = line.endIndex
        while end > start, line[end - 1] == 10 || line[end - 1] == 13 { end -= 1 }
        let ending = Array(line[end...])
        var valueEnd = end
        // A comment starts at ` #` outside quotes and brackets.
        var quote: UInt8?
        var i = start
        while i < end {
            let c = line[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == 34 || c == 39 {
                quote = c
            } else if c == 35, i > start, line[i - 1] == 32 || line[i - 1] == 9 {
                valueEnd = i
                break
            }
            i += 1
        }
        var comment = Array(line[valueEnd..<end])
        var kept = Array(line[start..<valueEnd])
        while let last = kept.last, last == 32 || last == 9 {
            comment.insert(last, at: 0)
            kept.removeLast()
        }
        if case .scalar(let scalar) = node, scalar.style == .literal || scalar.style == .folded {
            throw Failure(description: "a block scalar in 'review' cannot be rewritten in place")
        }
        if case .sequence = node, kept.last != UInt8(ascii: "]") {
            throw Failure(description: "'reviewers' must be on one line or a block list to be rewritten")
        }
        lines[index] = Array(line[..<start]) + Array(text.utf8) + comment + ending
    }

    /// A YAML scalar for `text`: plain when that is unambiguous, else double-quoted.
    static func quoted(_ text: String) -> String {
        let special = ":#,[]{}&*!|>'\"%@`"
        let plain =
            !text.isEmpty && !text.contains(where: { special.contains($0) })
            && text.first?.isWhitespace == false && text.last?.isWhitespace == false
            && !["-", "?"].contains(text.first!)
            && !["true", "false", "yes", "no", "null", "~", "on", "off"].contains(text.lowercased())
            && Double(text) == nil
        if plain { return text }
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\""
    }
}
