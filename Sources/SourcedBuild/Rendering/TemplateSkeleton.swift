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

    /// Reads the holes out of a render made with markers for `holes` strings; nil when the
    /// marker characters appear anywhere but in whole markers.
    init?(markedRender text: String, holes: Int) {
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        let bytes = Array(text.utf8)
        let start: [UInt8] = Array("\u{E000}".utf8)
        let end: [UInt8] = Array("\u{E001}".utf8)
        let open = start + Array("h".utf8)
        let close = Array("H".utf8) + end
        var i = 0
        while i < bytes.count {
            guard bytes[i...].starts(with: start) else {
                literal.append(bytes[i])
                i += 1
                continue
            }
            guard bytes[i...].starts(with: open) else { return nil }
            var j = i + open.count
            var index = 0
            let digitsStart = j
            while j < bytes.count, bytes[j] >= UInt8(ascii: "0"), bytes[j] <= UInt8(ascii: "9"), j - digitsStart < 9 {
                index = index * 10 + Int(bytes[j] - UInt8(ascii: "0"))
                j += 1
            }
            guard j > digitsStart, index < holes else { return nil }
            let escaped: Bool
            if bytes[j...].starts(with: "&amp;".utf8) {
                escaped = true
                j += 5
            } else if bytes[j...].starts(with: "&".utf8) {
                escaped = false
                j += 1
            } else {
                return nil
            }
            guard bytes[j...].starts(with: close) else { return nil }
            if !literal.isEmpty {
                pieces.append(.text(String(decoding: literal, as: UTF8.self)))
                literal.removeAll(keepingCapacity: true)
            }
            pieces.append(.value(index, escaped: escaped))
            i = j + close.count
        }
        // U+E001 outside a marker is the end of a marker that was cut.
        let holesFound = pieces.count { if case .value = $0 { true } else { false } }
        guard bytes.ranges(of: end).count == holesFound else { return nil }
        if !literal.isEmpty { pieces.append(.text(String(decoding: literal, as: UTF8.self))) }
        self.pieces = pieces
    }
}

/// A context split into its shape and its strings.
struct ShapedContext {
    /// Equal for contexts the same skeleton renders.
    var key: String
    /// The strings, in hole order.
    var values: [String]
    /// The context with each string replaced by its hole's marker.
    var marked: [String: Any]

    /// Nil when the context holds a value whose effect on the output is not its text: a list of
    /// strings (`sorted` orders them), a lambda, or any type other than the ones views use.
    init?(_ context: [String: Any]) {
        var key = ""
        var values: [String] = []
        guard let marked = Self.walk(context, key: &key, values: &values) as? [String: Any] else { return nil }
        self.key = key
        self.values = values
        self.marked = marked
    }

    private static func walk(_ value: Any, key: inout String, values: inout [String]) -> Any? {
        switch value {
        case let string as String:
            // An empty string renders nothing and is false to `empty`; a final newline decides
            // whether an indented partial indents what follows. Both are part of the shape.
            if string.isEmpty {
                key += "e"
                return string
            }
            let index = values.count
            if string.last == "\n" {
                key += "n"
                values.append(String(string[..<string.index(before: string.endIndex)]))
                return TemplateSkeleton.marker(index) + "\n"
            }
            key += "s"
            values.append(string)
            return TemplateSkeleton.marker(index)
        case let bool as Bool:
            key += bool ? "t" : "f"
            return bool
        case let number as Int:
            key += "i\(number);"
            return number
        case let dictionary as [String: Any]:
            key += "{"
            var marked: [String: Any] = [:]
            marked.reserveCapacity(dictionary.count)
            for name in dictionary.keys.sorted() {
                key += name
                key += ":"
                guard let child = walk(dictionary[name]!, key: &key, values: &values) else { return nil }
                marked[name] = child
            }
            key += "}"
            return marked
        case let list as [Any]:
            key += "["
            var marked: [Any] = []
            marked.reserveCapacity(list.count)
            for element in list {
                guard !(element is String) else { return nil }
                guard let child = walk(element, key: &key, values: &values) else { return nil }
                marked.append(child)
            }
            key += "]"
            return marked
        default:
            return nil
        }
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

    init(enabled: Bool) { self.enabled = enabled }

    /// How many shapes have a skeleton.
    var kept: Int { skeletons.withLock { $0.values.count { $0 != nil } } }

    func render(_ template: String, _ context: [String: Any], with library: MustacheLibrary) -> String {
        guard enabled, let shaped = ShapedContext(context) else {
            return library.render(context, withTemplate: template) ?? ""
        }
        let key = template + "\u{0}" + shaped.key
        if let known = skeletons.withLock({ $0[key] }) {
            return known?.fill(shaped.values) ?? library.render(context, withTemplate: template) ?? ""
        }
        let ordinary = library.render(context, withTemplate: template) ?? ""
        // The skeleton is kept only if it makes this page exactly as Mustache did.
        let skeleton = library.render(shaped.marked, withTemplate: template)
            .flatMap { TemplateSkeleton(markedRender: $0, holes: shaped.values.count) }
            .flatMap { $0.fill(shaped.values) == ordinary ? $0 : nil }
        skeletons.withLock {
            if $0.count < Self.limit { $0[key] = .some(skeleton) }
        }
        return ordinary
    }
}
