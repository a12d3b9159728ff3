import Foundation
import Mustache
import SourcedCore

/// The theme's Mustache templates, each compiled once.
struct TemplateSet: Sendable {
    static let required = ["layout", "home", "topic", "references", "review", "badge"]

    /// The templates as read: file name without `.mustache` → text. The preview keeps a set
    /// while these are unchanged, with the skeletons it made.
    let texts: [String: String]
    private let library: MustacheLibrary
    let skeletons: SkeletonCache
    let assetsDirectory: String?

    /// A template that is missing or does not compile is not the content's fault.
    struct LoadFailure: Error, CustomStringConvertible {
        var description: String
    }

    init(directory: String) throws {
        try self.init(texts: Self.read(directory), directory: directory)
    }

    /// The `.mustache` files of `directory`, name → text.
    static func read(_ directory: String) throws -> [String: String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw LoadFailure(description: "cannot read templates folder '\(directory)'")
        }
        var texts: [String: String] = [:]
        for name in names where name.hasSuffix(".mustache") {
            let path = "\(directory)/\(name)"
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
            else { throw LoadFailure(description: "cannot read template '\(path)'") }
            texts[String(name.dropLast(".mustache".count))] = text
        }
        return texts
    }

    init(texts: [String: String], directory: String) throws {
        var templates: [String: MustacheTemplate] = [:]
        for (name, text) in texts.sorted(by: { $0.key < $1.key }) {
            do {
                // Compiled once as written, so errors name the theme's own lines.
                _ = try MustacheTemplate(string: text)
                templates[name] = try MustacheTemplate(string: HTMLEscaping.pragma + text)
            } catch {
                throw LoadFailure(description: "template '\(directory)/\(name).mustache' does not compile: \(error)")
            }
        }
        let missing = Self.required.filter { templates[$0] == nil }
        guard missing.isEmpty else {
            throw LoadFailure(
                description:
                    "templates folder '\(directory)' lacks \(missing.map { $0 + ".mustache" }.joined(separator: ", "))")
        }
        self.texts = texts
        library = MustacheLibrary(templates: templates)
        skeletons = SkeletonCache(
            enabled: !texts.values.contains(where: Self.namesPartialByValue),
            mentioned: TemplateWords.of(Array(texts.values)))
        assetsDirectory = Self.assets(directory)
    }

    /// `directory/assets` if it is a folder.
    static func assets(_ directory: String) -> String? {
        var isDirectory: ObjCBool = false
        let assets = "\(directory)/assets"
        return FileManager.default.fileExists(atPath: assets, isDirectory: &isDirectory) && isDirectory.boolValue
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

    /// A partial named by a value (`{{>*name}}`), or delimiters changed so such a tag cannot
    /// be seen: the page's text then depends on a string's value, not only on where it goes.
    private static func namesPartialByValue(_ text: String) -> Bool {
        text.contains(try! Regex(#"\{\{\s*[<>]\s*\*|\{\{\s*="#))
    }

    /// Renders `template` with `context`, then places the result in the layout. `repeated`
    /// says the template makes many pages (a topic page), so it is worth a skeleton per shape;
    /// the layout always is.
    func page(_ template: String, _ context: [String: Any], layout: [String: Any], repeated: Bool = false) -> String {
        var layoutContext = layout
        layoutContext["content"] =
            repeated
            ? skeletons.render(template, context, with: library) : library.render(context, withTemplate: template) ?? ""
        return skeletons.render("layout", layoutContext, with: library)
    }

    /// The page as Mustache alone renders it, without skeletons: what they are held to.
    func ordinaryPage(_ template: String, _ context: [String: Any], layout: [String: Any]) -> String {
        var layoutContext = layout
        layoutContext["content"] = library.render(context, withTemplate: template) ?? ""
        return library.render(layoutContext, withTemplate: "layout") ?? ""
    }
}

/// HTML escaping for `{{value}}`, in place of Mustache's own.
///
/// Mustache's goes `Character` by `Character`, so a quote followed by a combining mark is one
/// character that is not `"`, and is left unescaped: `title="{{x}}"` with x = `"\u{301}
/// onmouseover=…` ended the attribute and added a handler. This escapes the five characters
/// byte by byte, as everything else Sourced writes does. Every template starts with the
/// pragma that selects it, on a line of its own, which Mustache removes.
struct HTMLEscaping: MustacheContentType {
    func escapeText(_ text: String) -> String { text.htmlEscaped }

    static let pragma: String = {
        MustacheContentTypes.register(HTMLEscaping(), named: "HTML")
        return "{{% CONTENT_TYPE: HTML}}\n"
    }()
}
