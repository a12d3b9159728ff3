// Yams' own copy of libyaml, the parser whose events Yams composes: a module of the Yams
// package that Yams' product brings along.
import CYaml
import SourcedCore

/// Refuses front matter that would make Yams slow or crash, before Yams composes it.
///
/// An alias bomb of 300 bytes costs Yams seconds and gigabytes once expanded, and deep
/// nesting overflows its recursive composer. Topic metadata needs neither anchors nor
/// more than a few levels, so both are refused outright. The decision is made from libyaml's
/// events, so text that only looks like an anchor (`**bold**` in a block scalar, `a & b`) is
/// fine. Reading the events costs a parse, so it is done only for text that could hold an
/// anchor or nest too deep; most front matter is passed by one scan of its bytes.
enum YAMLGuard {
    static let maximumDepth = 32

    struct Problem: Error {
        var line: Int
        var column: Int
        var message: String
    }

    static func check(_ text: String) -> Problem? {
        let utf8 = text.utf8
        let mayAnchor = utf8.contains(UInt8(ascii: "&")) || utf8.contains(UInt8(ascii: "*"))
        guard mayAnchor || mayNest(deeperThan: maximumDepth, text) else { return nil }
        return utf8.withContiguousStorageIfAvailable { checkEvents($0) } ?? checkEvents(Array(text.utf8))
    }

    /// Whether the text might nest more than `limit` collections: false only when it surely
    /// does not. A level of nesting takes a column of indentation (a sequence may share its
    /// mapping's column, hence two a column), an indicator on the line (`- `, `? `, `: `) or a
    /// bracket; quotes and comments are not read, which can only overcount.
    static func mayNest(deeperThan limit: Int, _ text: String) -> Bool {
        var flowDepth = 0
        var lineStart = true
        var indent = 0
        var indicators = 0
        var previous: UInt8 = UInt8(ascii: "\n")
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\n"):
                lineStart = true
                indent = 0
                indicators = 0
            case UInt8(ascii: " ") where lineStart:
                indent += 1
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                flowDepth += 1
                lineStart = false
            default:
                lineStart = false
            }
            if byte == UInt8(ascii: " "),
                previous == UInt8(ascii: "-") || previous == UInt8(ascii: "?") || previous == UInt8(ascii: ":")
            {
                indicators += 1
            }
            if 2 * (indent + 1) + indicators + flowDepth > limit { return true }
            previous = byte
        }
        return false
    }

    /// The first anchor, alias or nesting beyond `maximumDepth` in libyaml's events. Syntax
    /// errors are left for Yams to report.
    private static func checkEvents(_ bytes: UnsafeBufferPointer<UInt8>) -> Problem? {
        // On the heap, at one address: libyaml keeps pointers into the parser itself (its read
        // handler's data), which a Swift `&local` does not promise to keep still between calls.
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        parser.initialize(to: yaml_parser_t())
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else { return nil }
        defer { yaml_parser_delete(parser) }
        yaml_parser_set_input_string(parser, bytes.baseAddress, bytes.count)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        defer { event.deallocate() }
        var depth = 0
        let tooDeep = "front matter is nested more than \(maximumDepth) levels deep"
        while true {
            event.initialize(to: yaml_event_t())
            guard yaml_parser_parse(parser, event) == 1 else {
                // libyaml's own limit, which a long run of brackets reaches at once (its scanner
                // reads the whole run ahead); other syntax errors are Yams' to report.
                guard let problem = parser.pointee.problem,
                    String(cString: problem).hasPrefix("Maximum nesting level")
                else { return nil }
                let mark = parser.pointee.problem_mark
                return Problem(line: Int(mark.line) + 1, column: Int(mark.column) + 1, message: tooDeep)
            }
            defer { yaml_event_delete(event) }
            let current = event.pointee
            func problem(_ message: String) -> Problem {
                Problem(
                    line: Int(current.start_mark.line) + 1, column: Int(current.start_mark.column) + 1, message: message
                )
            }
            let anchor = "YAML anchors (&name) and aliases (*name) are not allowed in front matter"
            switch current.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_ALIAS_EVENT:
                return problem(anchor)
            case YAML_SCALAR_EVENT:
                if current.data.scalar.anchor != nil { return problem(anchor) }
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let named =
                    current.type == YAML_SEQUENCE_START_EVENT
                    ? current.data.sequence_start.anchor : current.data.mapping_start.anchor
                if named != nil { return problem(anchor) }
                depth += 1
                if depth > maximumDepth { return problem(tooDeep) }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                depth -= 1
            default:
                break
            }
        }
    }

    private static func checkEvents(_ bytes: [UInt8]) -> Problem? {
        bytes.withUnsafeBufferPointer { checkEvents($0) }
    }
}
