import CCMarkGFM
import SourcedCore

/// A `::: name` … `:::` block of a page body (Pandoc's fenced-div look): text for one
/// audience. Text outside every block is for all of them.
package struct AudienceBlock: Sendable, Equatable {
    package var audience: String
    /// File lines from the opening fence to the closing one (to the end of the page when it
    /// is not closed).
    package var lines: ClosedRange<Int>

    package init(audience: String, lines: ClosedRange<Int>) {
        self.audience = audience
        self.lines = lines
    }
}

/// A fence that opens, closes or nests wrongly, or names an audience the page does not list.
package struct AudienceProblem: Sendable, Equatable {
    package var position: TextPosition
    package var message: String
    package var hint: String?

    package init(position: TextPosition, message: String, hint: String? = nil) {
        self.position = position
        self.message = message
        self.hint = hint
    }
}

/// Finds the fences among a parsed body's top-level paragraphs, takes them out of the tree,
/// and says which audience each remaining top-level block is for.
///
/// A fence is a paragraph of its own, so cmark has already told code, quotes and lists apart
/// from it: `::: patient` in a code block is code. A fence-like paragraph inside a list or a
/// quote is reported by the walker (see `TreeWalker`).
struct AudienceFences {
    private(set) var blocks: [AudienceBlock] = []
    private(set) var problems: [AudienceProblem] = []
    /// Per top-level node left in the tree, in order: the audience of the block it sits in
    /// (by its first line), nil for every audience.
    private(set) var audienceOfNode: [String?] = []

    enum Fence: Equatable {
        case open(String)
        case close
    }

    /// A paragraph's text as a fence: three or more colons, then an audience name or nothing.
    static func fence(_ text: Substring) -> Fence? {
        var rest = text.drop { $0 == " " }
        var colons = 0
        while rest.first == ":" {
            colons += 1
            rest = rest.dropFirst()
        }
        guard colons >= 3 else { return nil }
        let name = rest.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()
        if name.isEmpty { return .close }
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return nil }
        return .open(String(name))
    }

    /// Whether a block's source starts like a fence (the cheap test made of every top-level
    /// paragraph before its text is read).
    static func startsLikeFence(_ line: ArraySlice<UInt8>) -> Bool {
        let colon = UInt8(ascii: ":")
        let text = line.drop { $0 == UInt8(ascii: " ") }
        return text.count >= 3 && text.prefix(3).allSatisfy { $0 == colon }
    }

    /// Reads the fences of `root`'s children and frees them; `audiences` are the names the page
    /// lists.
    init(root: OpaquePointer, source: SourceLines, audiences: [String]) {
        var open: (name: String, line: Int, position: TextPosition)?
        var node = cmark_node_first_child(root)
        var kept: [(node: OpaquePointer, line: Int)] = []
        while let current = node {
            node = cmark_node_next(current)
            let cmarkLine = Int(cmark_node_get_start_line(current))
            guard cmark_node_get_type(current) == CMARK_NODE_PARAGRAPH,
                Self.startsLikeFence(
                    source.line(cmarkLine).dropFirst(max(0, Int(cmark_node_get_start_column(current)) - 1)))
            else {
                kept.append((current, cmarkLine + source.lineOffset))
                continue
            }
            let position = source.position(
                cmarkLine: cmarkLine, byteIndex: Int(cmark_node_get_start_column(current)) - 1)
            let fences = Self.fences(in: current)
            guard fences.count == 1, let fence = fences[0] else {
                if fences.contains(where: { $0 != nil }) {
                    problems.append(
                        AudienceProblem(
                            position: position, message: "an audience fence must be a paragraph of its own",
                            hint: "leave a blank line before and after each '::: audience' and ':::' line"))
                }
                kept.append((current, cmarkLine + source.lineOffset))
                continue
            }
            let line = cmarkLine + source.lineOffset
            switch fence {
            case .open(let name):
                if let outer = open {
                    problems.append(
                        AudienceProblem(
                            position: position,
                            message:
                                "audience blocks do not nest: '::: \(outer.name)' (line \(outer.line)) is still open",
                            hint: "close it with a ':::' paragraph first"))
                    blocks.append(AudienceBlock(audience: outer.name, lines: outer.line...line))
                }
                if !audiences.contains(name) {
                    problems.append(
                        AudienceProblem(
                            position: position, message: Self.unknown(name, audiences),
                            hint: audiences.isEmpty
                                ? "list the page's audiences in its front matter, such as audiences: [clinician, \(name)]"
                                : "the page lists: \(audiences.joined(separator: ", "))"))
                }
                open = (name, line, position)
            case .close:
                if let block = open {
                    blocks.append(AudienceBlock(audience: block.name, lines: block.line...line))
                    open = nil
                } else {
                    problems.append(
                        AudienceProblem(
                            position: position, message: "':::' closes no audience block",
                            hint: "open one with a '::: audience' paragraph, such as '::: patient'"))
                }
            }
            cmark_node_unlink(current)
            cmark_node_free(current)
        }
        if let block = open {
            problems.append(
                AudienceProblem(
                    position: block.position, message: "audience block '::: \(block.name)' is not closed",
                    hint: "end it with a ':::' paragraph"))
            blocks.append(AudienceBlock(audience: block.name, lines: block.line...Int.max))
        }
        audienceOfNode = blocks.isEmpty ? [] : kept.map { Self.audience(ofLine: $0.line, in: blocks) }
    }

    private static func unknown(_ name: String, _ audiences: [String]) -> String {
        audiences.isEmpty
            ? "'::: \(name)' opens an audience block, but the page lists no audiences"
            : "audience '\(name)' is not one of this page's audiences"
    }

    /// The audience of the block that holds file line `line`; nil outside every block.
    static func audience(ofLine line: Int, in blocks: [AudienceBlock]) -> String? {
        blocks.first { $0.lines.contains(line) }?.audience
    }

    /// Each line of a paragraph as a fence, or nil for a line that is not one.
    static func fences(in paragraph: OpaquePointer) -> [Fence?] {
        textLines(of: paragraph).map { fence($0[...]) }
    }

    /// A fence-like paragraph the walker meets inside a list or a quote, where a fence cannot be.
    static func nestedProblem(_ paragraph: OpaquePointer, source: SourceLines) -> AudienceProblem? {
        let cmarkLine = Int(cmark_node_get_start_line(paragraph))
        let column = Int(cmark_node_get_start_column(paragraph))
        guard startsLikeFence(source.line(cmarkLine).dropFirst(max(0, column - 1))),
            fences(in: paragraph).contains(where: { $0 != nil })
        else { return nil }
        return AudienceProblem(
            position: source.position(cmarkLine: cmarkLine, byteIndex: column - 1),
            message: "an audience fence must stand at the top level of the page, not inside a list or a quote",
            hint: "put the whole list or quote inside the block: '::: audience' before it, ':::' after it")
    }

    /// The paragraph's text lines: its text and code, split at its line breaks.
    private static func textLines(of paragraph: OpaquePointer) -> [String] {
        var lines = [""]
        var child = cmark_node_first_child(paragraph)
        while let node = child {
            switch cmark_node_get_type(node) {
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: lines.append("")
            default:
                // Emphasis or a link in a fence makes it text, not a fence.
                let literal = cmark_node_get_literal(node).map { String(cString: $0) } ?? "\u{1}"
                lines[lines.count - 1] += cmark_node_get_type(node) == CMARK_NODE_TEXT ? literal : "\u{1}"
            }
            child = cmark_node_next(node)
        }
        return lines
    }
}
