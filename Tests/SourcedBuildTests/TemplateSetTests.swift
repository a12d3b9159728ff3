import Foundation
import Mustache
import Testing

@testable import SourcedBuild

func templateSet(_ overrides: [String: String]) throws -> TemplateSet {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sourced-tpl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for name in Set(TemplateSet.required).union(overrides.keys) {
        try Data((overrides[name] ?? "{{{content}}}").utf8).write(to: folder.appendingPathComponent("\(name).mustache"))
    }
    return try TemplateSet(directory: folder.path)
}

/// A page made in pieces is the page the template would render with the pieces joined,
/// however a theme places them.
@Suite struct TemplateSetTests {
    @Test(arguments: [
        "<ol>{{{entries}}}</ol>", "<ol>{{entries}}</ol>", "{{{entries}}}|{{entries}}", "{{{entries}}}{{{entries}}}",
        "none",
    ])
    func piecesMatchTheJoinedPage(_ references: String) throws {
        let set = try templateSet(["references": references])
        let entries = ["<li>a & b</li>", "<li>c</li>", "<li>d</li>"]
        let streamed = set.page(
            "references", [:], layout: [:], bulk: ("entries", entries.count, { entries[$0] }))
        var pieces = ""
        streamed.forEach { pieces += $0 }
        #expect(pieces == set.page("references", ["entries": entries.joined()], layout: [:]))
    }

    /// Mustache's own escaping goes by `Character`, and left a quote followed by a combining
    /// mark as it was, ending the attribute it was placed in.
    @Test func aQuoteWithACombiningMarkIsEscaped() throws {
        let set = try templateSet(["topic": #"<a title="{{x}}">{{x}}</a>"#])
        let hostile = "\"\u{301} onmouseover=alert(1) <\u{301}b> '\u{301} &\u{301}"
        for repeated in [false, true, true] {
            let page = set.page("topic", ["x": hostile], layout: [:], repeated: repeated)
            #expect(page.utf8.count { $0 == UInt8(ascii: "\"") } == 2, "only the attribute's own quotes: \(page)")
            #expect(page.contains("&quot;\u{301} onmouseover=alert(1) &lt;\u{301}b&gt; &#39;\u{301} &amp;\u{301}"))
        }
    }
}

/// A page filled into a skeleton is byte for byte the page Mustache renders, for whatever a
/// theme does with its values; shapes a skeleton cannot stand for render the ordinary way.
@Suite struct TemplateSkeletonTests {
    static let templates: [String: String] = [
        "plain":
            "<h1>{{title}}</h1>\n{{#summary}}<p>{{summary}}</p>{{/summary}}{{^summary}}none{{/summary}}\n{{{body}}}",
        "sections":
            "{{#tags}}<li{{#-first}} class=first{{/-first}}>{{name}}</li>{{/tags}}{{#badge}}[{{label}}|{{title}}]{{/badge}}",
        "dot": "{{#question}}<q>{{.}}</q>{{/question}}",
        "transforms":
            "{{uppercased(title)}} {{#empty(summary)}}E{{/empty(summary)}} {{reversed(title)}} {{count(tags)}}",
        "indented": "<div>\n  {{> part}}\n</div>",
        "part": "{{{body}}}\n{{title}}\n",
        "markers": "\u{E000}h0&H\u{E001} {{title}} \u{E001}",
        "numbers": "{{count}} {{#on}}on{{/on}}",
    ]
    /// The page made through skeletons equals the one Mustache alone makes.
    func matchesMustache(
        _ set: TemplateSet, _ template: String, _ context: [String: Any], layout: [String: Any] = [:]
    ) -> Bool {
        set.page(template, context, layout: layout, repeated: true)
            == set.ordinaryPage(template, context, layout: layout)
    }

    /// Templates whose every shape can have a skeleton.
    static let shaped: Set = ["plain", "sections", "dot", "indented", "numbers"]

    func contexts(_ seed: Int) -> [[String: Any]] {
        var random = SeededRandom(seed)
        let words = ["", "a", "A & b", "<x>", "\"\u{301}", "line\n", "two\nlines\n", "\r\n", "part", "plain", "é"]
        func word() -> String { words[random.next(words.count)] }
        return (0..<40).map { _ in
            var context: [String: Any] = [
                "title": word(), "body": word(),
                "tags": (0..<random.next(3)).map { _ in ["name": word()] },
                "badge": ["label": word()],
                "count": random.next(2), "on": random.next(2) == 0,
            ]
            if random.next(2) == 0 { context["summary"] = word() }
            if random.next(2) == 0 { context["question"] = word() }
            return context
        }
    }

    @Test(arguments: templates.keys.filter { $0 != "part" }.sorted())
    func skeletonPagesAreTheOrdinaryPages(_ template: String) throws {
        let set = try templateSet(Self.templates)
        for (i, context) in contexts(template.count).enumerated() {
            let layout: [String: Any] = ["n": i % 2]
            #expect(matchesMustache(set, template, context, layout: layout), "\(context)")
        }
        if Self.shaped.contains(template) { #expect(set.skeletons.kept > 4) }
    }

    /// `{{>*name}}` picks a template by a string's value, which a skeleton cannot stand for.
    @Test func aPartialNamedByAValueTurnsSkeletonsOff() throws {
        let set = try templateSet(Self.templates.merging(["dynamic": "{{>*title}}"]) { $1 })
        for title in ["none", "part", "plain", "none", "part"] {
            let context: [String: Any] = ["title": title, "body": "b"]
            #expect(matchesMustache(set, "dynamic", context))
        }
        #expect(set.skeletons.kept == 0)
    }

    @Test func aRepeatedShapeIsFilledFromItsSkeleton() throws {
        let set = try templateSet(Self.templates)
        let first: [String: Any] = ["title": "One", "summary": "s", "body": "<p>1</p>"]
        let second: [String: Any] = ["title": "Two & <2>", "summary": "t", "body": "<p>2</p>"]
        _ = set.page("plain", first, layout: [:], repeated: true)
        #expect(set.skeletons.kept == 2, "the page template's shape and the layout's")
        #expect(
            set.page("plain", second, layout: [:], repeated: true)
                == "<h1>Two &amp; &lt;2&gt;</h1>\n<p>t</p>\n<p>2</p>")
        #expect(set.skeletons.kept == 2)
    }

    /// A key no template names (a theme's table of contents the default theme leaves out)
    /// does not make a new shape however it varies.
    @Test func keysNoTemplateNamesDoNotSplitShapes() throws {
        let set = try templateSet(Self.templates)
        for n in 0..<4 {
            let context: [String: Any] = [
                "title": "T\(n)", "body": "b", "summary": "s",
                "unnamed": (0..<n).map { ["text": "h\($0)"] }, "on-off": n % 2 == 0,
            ]
            #expect(matchesMustache(set, "plain", context))
        }
        // The page template's shape twice ("on-off" is not a plain word, so it counts), and
        // the layout's.
        #expect(set.skeletons.kept == 3)
    }

    /// A value's final newline decides whether an indented partial indents the next line.
    @Test func aValueEndingInANewlineKeepsItsSkeletonUnderAnIndentedPartial() throws {
        let set = try templateSet(Self.templates)
        let first = set.page("indented", ["body": "one\n", "title": "1"], layout: [:], repeated: true)
        #expect(first == "<div>\n  one\n  \n  1\n</div>")
        #expect(set.skeletons.kept == 2)
        let context: [String: Any] = ["body": "two\nlines\n", "title": "2"]
        #expect(matchesMustache(set, "indented", context))
    }

    /// A skeleton is kept only after it has made its first page exactly as Mustache did. Here
    /// (skeletons forced on for a partial named by a value) it does not.
    @Test func aSkeletonThatDiffersOnItsFirstPageIsDropped() throws {
        let library = MustacheLibrary(templates: [
            "dynamic": try MustacheTemplate(string: "[{{>*title}}]"), "part": try MustacheTemplate(string: "P"),
        ])
        let cache = SkeletonCache(enabled: true, mentioned: ["title"])
        #expect(cache.render("dynamic", ["title": "part"], with: library) == "[P]")
        #expect(cache.kept == 0)
        #expect(cache.render("dynamic", ["title": "none"], with: library) == "[]")
    }

    @Test func markersInATemplateOrATransformLeaveTheOrdinaryRender() throws {
        let set = try templateSet(Self.templates)
        _ = set.page("markers", ["title": "x"], layout: [:], repeated: true)
        _ = set.page("transforms", ["title": "x", "tags": [[String: Any]]()], layout: [:], repeated: true)
        #expect(set.skeletons.kept == 1, "only the layout's shape")
    }
}

/// A small deterministic generator, so a failing case can be replayed.
struct SeededRandom {
    var state: UInt64
    init(_ seed: Int) { state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next(_ bound: Int) -> Int {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Int(state % UInt64(bound))
    }
}
