import Foundation
import Mustache

/// Text made piece by piece as it is written: a head, `count` pieces, a tail.
struct PieceStream: Sendable {
    var head: String
    var count: Int
    var piece: @Sendable (Int) -> String
    var tail: String

    func forEach(_ body: (String) throws -> Void) rethrows {
        try body(head)
        for index in 0..<count { try body(piece(index)) }
        try body(tail)
    }
}

/// The theme's Mustache templates, each compiled once.
struct TemplateSet: Sendable {
    static let required = ["layout", "home", "topic", "references", "review", "badge"]

    private let library: MustacheLibrary
    let assetsDirectory: String?

    /// A template that is missing or does not compile is not the content's fault.
    struct LoadFailure: Error, CustomStringConvertible {
        var description: String
    }

    init(directory: String) throws {
        var templates: [String: MustacheTemplate] = [:]
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw LoadFailure(description: "cannot read templates folder '\(directory)'")
        }
        for name in names.sorted() where name.hasSuffix(".mustache") {
            let path = "\(directory)/\(name)"
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
            else { throw LoadFailure(description: "cannot read template '\(path)'") }
            do {
                templates[String(name.dropLast(".mustache".count))] = try MustacheTemplate(string: text)
            } catch {
                throw LoadFailure(description: "template '\(path)' does not compile: \(error)")
            }
        }
        let missing = Self.required.filter { templates[$0] == nil }
        guard missing.isEmpty else {
            throw LoadFailure(
                description:
                    "templates folder '\(directory)' lacks \(missing.map { $0 + ".mustache" }.joined(separator: ", "))")
        }
        library = MustacheLibrary(templates: templates)
        var isDirectory: ObjCBool = false
        let assets = "\(directory)/assets"
        assetsDirectory =
            FileManager.default.fileExists(atPath: assets, isDirectory: &isDirectory) && isDirectory.boolValue
            ? assets : nil
    }

    /// The same, with the `count` pieces of `bulk` placed where the template says
    /// `{{{name}}}`, made one by one as the page is written instead of joined into it.
    func page(
        _ template: String, _ context: [String: Any], layout: [String: Any],
        bulk: (name: String, count: Int, piece: @Sendable (Int) -> String)
    ) -> PieceStream {
        // A private-use marker with an `&`, so an escaped `{{name}}` does not match it. The
        // pieces go in only where the template places the marker once, raw; any other use
        // (escaped, or twice) renders the joined pieces the ordinary way.
        let marker = "\u{E000}&sourced-bulk\u{E000}"
        var withMarker = context
        withMarker[bulk.name] = marker
        let rendered = page(template, withMarker, layout: layout)
        guard let range = rendered.range(of: marker),
            rendered.ranges(of: "sourced-bulk").count == 1
        else {
            var joined = context
            joined[bulk.name] = (0..<bulk.count).map(bulk.piece).joined()
            return PieceStream(head: page(template, joined, layout: layout), count: 0, piece: { _ in "" }, tail: "")
        }
        return PieceStream(
            head: String(rendered[..<range.lowerBound]), count: bulk.count, piece: bulk.piece,
            tail: String(rendered[range.upperBound...]))
    }

    /// Renders `template` with `context`, then places the result in the layout.
    func page(_ template: String, _ context: [String: Any], layout: [String: Any]) -> String {
        var layoutContext = layout
        layoutContext["content"] = library.render(context, withTemplate: template) ?? ""
        return library.render(layoutContext, withTemplate: "layout") ?? ""
    }
}
