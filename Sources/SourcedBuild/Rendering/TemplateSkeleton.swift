import Mustache
import SourcedCore
import Synchronization

/// What a template renders for one shape of values, with holes where the strings go.
///
/// Mustache looks every tag up through dictionaries and dynamic casts: about 0.3 ms a topic
/// page, 20% of a 10,000-page build's CPU. Pages whose values have the same shape (the same
/// keys, booleans, numbers and list lengths, with only the strings differing) differ only in
/// the strings placed. So the template is rendered once per shape with a marker for each
/// string, and every later page of that shape is the skeleton's text with its own strings put
/// into the holes, escaped where the marker came out escaped.
struct TemplateSkeleton: Sendable {
    enum Piece: Sendable {
        case text(String)
        case value(Int, escaped: Bool)
    }

    var pieces: [Piece]

    func fill(_ values: [String]) -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let text): out += text
            case .value(let index, let escaped): out += escaped ? values[index].htmlEscaped : values[index]
            }
        }
        return out
    }

    /// The marker for hole `index`. The `&` shows whether Mustache escaped it; the letters of
    /// both cases make a transform (`uppercased`, `reversed`, …) leave something that is not a
    /// marker, so that shape falls back to the ordinary render.
    static func marker(_ index: Int) -> String { "\u{E000}h\(index)&H\u{E001}" }

    /// The holes' markers, as Mustache leaves them: escaped (`&amp;`) or raw (`&`).
    private static let scanner = MarkerScanner(prefix: "\u{E000}h", suffixes: ["&amp;H\u{E001}", "&H\u{E001}"])

    /// Reads the holes out of a render made with markers for `holes` strings; nil when the
    /// marker characters appear anywhere but in whole markers.
    init?(markedRender text: String, holes: Int) {
        let bytes = Array(text.utf8)
        let matches = Self.scanner.matches(in: bytes)
        // U+E000 or U+E001 outside a whole marker is a marker a transform cut or changed.
        guard matches.allSatisfy({ $0.number < holes }),
            bytes.ranges(of: Array("\u{E000}".utf8)).count == matches.count,
            bytes.ranges(of: Array("\u{E001}".utf8)).count == matches.count
        else { return nil }
        var pieces: [Piece] = []
        var copied = 0
        for match in matches {
            if match.range.lowerBound > copied {
                pieces.append(.text(String(decoding: bytes[copied..<match.range.lowerBound], as: UTF8.self)))
            }
            pieces.append(.value(match.number, escaped: match.suffix == 0))
            copied = match.range.upperBound
        }
        if copied < bytes.count { pieces.append(.text(String(decoding: bytes[copied...], as: UTF8.self))) }
        self.pieces = pieces
    }
}

/// A context split into its shape and its strings.
///
/// Keys no template mentions are left out of both: a topic page's `toc` (its headings) is
/// there for themes that place it, and counting it in the shape made 524 shapes of 10,000
/// default-theme pages where their shapes number about a hundred.
struct ShapedContext {
    /// Equal for contexts the same skeleton renders.
    var key: String
    /// The strings, in hole order.
    var values: [String]

    /// Nil when the context holds a value whose effect on the output is not its text: a list of
    /// strings (`sorted` orders them), a lambda, or any type other than the ones views use.
    init?(_ context: [String: Any], mentioned: Set<String>) {
        var walker = Walker(mentioned: mentioned, marking: false)
        guard walker.walk(context) != nil else { return nil }
        key = walker.key
        values = walker.values
    }

    /// The context with each string replaced by its hole's marker.
    static func marked(_ context: [String: Any], mentioned: Set<String>) -> [String: Any] {
        var walker = Walker(mentioned: mentioned, marking: true)
        return walker.walk(context) as? [String: Any] ?? [:]
    }

    /// A name that is a plain word and in no template; other names are always kept.
    static func unmentioned(_ name: String, _ mentioned: Set<String>) -> Bool {
        !mentioned.contains(name) && name.utf8.allSatisfy(TemplateWords.isWordByte)
    }

    private struct Walker {
        let mentioned: Set<String>
        let marking: Bool
        var key = ""
        var values: [String] = []

        /// The value as the marked context holds it (the value itself when not marking).
        mutating func walk(_ value: Any) -> Any? {
            switch value {
            case let string as String:
                // An empty string renders nothing and is false to `empty`; a final newline
                // decides whether an indented partial indents what follows. Both are shape.
                if string.isEmpty {
                    key += "e"
                    return string
                }
                let index = values.count
                if string.last == "\n" {
                    key += "n"
                    values.append(String(string[..<string.index(before: string.endIndex)]))
                    return marking ? TemplateSkeleton.marker(index) + "\n" : string
                }
                key += "s"
                values.append(string)
                return marking ? TemplateSkeleton.marker(index) : string
            case let bool as Bool:
                key += bool ? "t" : "f"
                return bool
            case let number as Int:
                key += "i\(number);"
                return number
            case let dictionary as [String: Any]:
                key += "{"
                var marked: [String: Any] = [:]
                for name in dictionary.keys.sorted() where !ShapedContext.unmentioned(name, mentioned) {
                    key += name
                    key += ":"
                    guard let child = walk(dictionary[name]!) else { return nil }
                    if marking { marked[name] = child }
                }
                key += "}"
                return marking ? marked : dictionary
            case let list as [Any]:
                key += "["
                var marked: [Any] = []
                for element in list {
                    guard !(element is String), let child = walk(element) else { return nil }
                    if marking { marked.append(child) }
                }
                key += "]"
                return marking ? marked : list
            default:
                return nil
            }
        }
    }
}

/// The words of a theme's templates: a context key that is a plain word and none of these
/// cannot be named by any tag.
enum TemplateWords {
    static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            true
        default: false
        }
    }

    static func of(_ texts: [String]) -> Set<String> {
        var words: Set<String> = []
        for text in texts {
            for word in text.utf8.split(whereSeparator: { !isWordByte($0) }) {
                words.insert(String(decoding: word, as: UTF8.self))
            }
        }
        return words
    }
}

/// Skeletons by template and shape, shared by every lane rendering a site.
final class SkeletonCache: Sendable {
    /// Beyond this many shapes, new shapes render the ordinary way (a site whose every page
    /// has its own shape would otherwise render each page three times).
    static let limit = 2_000

    /// A nil entry: that shape did not survive its check and renders the ordinary way.
    private let skeletons = Mutex<[String: TemplateSkeleton?]>([:])
    private let enabled: Bool
    /// Every word of the theme's templates (see `TemplateWords`).
    private let mentioned: Set<String>

    init(enabled: Bool, mentioned: Set<String>) {
        self.enabled = enabled
        self.mentioned = mentioned
    }

    /// How many shapes have a skeleton.
    var kept: Int { skeletons.withLock { $0.values.count { $0 != nil } } }

    func render(_ template: String, _ context: [String: Any], with library: MustacheLibrary) -> String {
        guard enabled, let shaped = ShapedContext(context, mentioned: mentioned) else {
            return library.render(context, withTemplate: template) ?? ""
        }
        let key = template + "\u{0}" + shaped.key
        if let known = skeletons.withLock({ $0[key] }) {
            return known?.fill(shaped.values) ?? library.render(context, withTemplate: template) ?? ""
        }
        let ordinary = library.render(context, withTemplate: template) ?? ""
        // The skeleton is kept only if it makes this page exactly as Mustache did.
        let skeleton = library.render(ShapedContext.marked(context, mentioned: mentioned), withTemplate: template)
            .flatMap { TemplateSkeleton(markedRender: $0, holes: shaped.values.count) }
            .flatMap { $0.fill(shaped.values) == ordinary ? $0 : nil }
        skeletons.withLock {
            if $0.count < Self.limit { $0[key] = .some(skeleton) }
        }
        return ordinary
    }
}
