import Foundation
import SourcedCore
import Testing

@testable import SourcedBuild

/// A kept file's key is derived from its views: every stored property of every view is in the
/// encoding the key hashes, and changing any one of them changes the key, so the file is made
/// again (`RenderReuseTests` then shows the bytes equal a build from scratch).
@Suite struct ViewKeyTests {
    /// Every view of every file of a small site that has each kind of value: tags, a question,
    /// a summary, an audience, a disclaimer, reviewers, dates, diagnostics, aliases, unpublished
    /// pages (in the dashboard), sources cited by several pages, a page with audience variants.
    static func plannedViews() async throws -> [(path: String, views: [any TemplateView])] {
        var files = RenderReuseTests.files
        files["Content/site.yaml"] =
            "title: Keys\nbase_url: https://kb.example.org/\ndisclaimer: Not advice; see [C](topics/c.md).\nreview:\n  max_age_days: 60\n"
            + "editorial_policy: topics/c.md\nreview_board: The board\nedit_url: https://git.example.org/edit/{path}\n"
            + "audiences:\n  clinician: Clinicians\n  patient: Patients\naudience_prompt: Who are you?\n"
        files["Content/topics/e.md"] = """
            ---
            title: E
            question: What is E?
            summary: E in short.
            audience: clinicians
            tags: [renal, acid-base]
            colour: blue
            review:
              status: approved
              reviewed: 2026-10-01
              updated: 2026-10-02
              reviewers: [Dr A, Dr B]
            references:
              - id: alias
                type: guideline
                title: Alias
                doi: 10.1234/shared.1
            ---

            ## First

            E cites [@shared].
            """
        files["Content/topics/draft.md"] = "---\ntitle: Draft\nreview:\n  status: draft\n---\n\nNothing yet.\n"
        files["Content/about.md"] = "---\ntitle: About\nkind: page\nnav: true\n---\n\nAbout the site.\n"
        files["Content/topics/variants.md"] = """
            ---
            title: Variants
            audiences: [clinician, patient]
            review:
              status: approved
              reviewed: 2026-10-01
            references:
              - {id: mine, type: web, title: Mine, url: https://example.org/mine}
            ---

            For all [@shared].

            ::: patient

            For patients [@mine].

            :::
            """
        let site = try TempSite(files)
        let content = site.root.appendingPathComponent("Content").path
        let (built, checked) = try await Pipeline.assembleAndCheck(content: content, today: Day("2026-11-01")!)
        let outputs = try SiteOutputs(
            site: built, diagnostics: checked.diagnostics, templates: TemplateSet(directory: templatesPath),
            contentDirectory: content, includeUnpublished: true)
        var planned: [(String, [any TemplateView])] = outputs.topics.map {
            ($0.page.variants[$0.variant].path + "index.html", outputs.topic($0.page, variant: $0.variant).views)
        }
        for file in SiteOutputs.siteWide {
            if let plan = outputs.plan(file.path), !plan.views.isEmpty { planned.append((file.path, plan.views)) }
        }
        return planned
    }

    @Test func everyPropertyOfEveryViewIsEncoded() async throws {
        let planned = try await Self.plannedViews()
        #expect(
            Set(planned.map(\.path)).isSuperset(of: [
                "index.html", "review/index.html", "references/index.html", "topics/variants/patient/index.html",
            ]))
        var leaves = 0
        for (path, views) in planned {
            for view in views {
                let recorded = RecordingSink()
                try ViewEncoder(sink: recorded, purpose: .key).encode(view)
                let expected = RecordingSink()
                Self.mirror(view, into: expected)
                #expect(recorded.events == expected.events, "\(path): \(type(of: view)) encodes other than it holds")
                leaves += recorded.events.count { $0.isLeaf }
            }
        }
        #expect(leaves > 300)
    }

    @Test func changingAnyPropertyChangesTheKey() async throws {
        for (path, views) in try await Self.plannedViews() {
            let recorded = RecordingSink()
            for view in views { try ViewEncoder(sink: recorded, purpose: .key).encode(view) }
            let original = Self.key(path, recorded.events)
            #expect(original == ViewKey.of(path, views, common: "common"))
            for (i, event) in recorded.events.enumerated() {
                for changed in event.changed where changed != event {
                    var events = recorded.events
                    events[i] = changed
                    #expect(Self.key(path, events) != original, "\(path): changing event \(i) (\(event)) kept the key")
                }
            }
            #expect(ViewKey.of(path, views, common: "other") != original)
        }
    }

    @Test func contextsNameEachPropertyInSnakeCase() {
        let layout = LayoutView(
            lang: "en", siteTitle: "S", pageTitle: "P", description: nil, root: "/", canonical: "/x/",
            navHome: true, navReferences: false, navReview: false, hasDashboard: true, navPages: [])
        let context = layout.context
        #expect(context["site_title"] as? String == "S")
        #expect(context["page_title"] as? String == "P")
        #expect(context["nav_home"] as? Bool == true)
        #expect(context["has_dashboard"] as? Bool == true)
        #expect(context["description"] == nil)
        // Nine, and the empty list of navigation pages.
        #expect(context.count == 10)
        #expect((context["nav_pages"] as? [Any])?.isEmpty == true)
    }

    /// A view holding what no template places (a floating-point number) has no key, so the
    /// file it makes is always made again rather than kept under the key of part of it.
    @Test func aViewThatCannotBeEncodedHasNoKey() {
        struct Odd: TemplateView {
            var title = "t"
            var ratio = 0.5
        }
        #expect(ViewKey.of("x.html", [Odd()], common: "c") == nil)
    }

    // MARK: Helpers

    /// The events a view's stored properties call for, read with `Mirror`: what the encoding
    /// must be if it leaves nothing out.
    static func mirror(_ value: Any, into sink: RecordingSink) {
        switch value {
        case let string as String: sink.string(string)
        case let bool as Bool: sink.bool(bool)
        case let int as Int: sink.int(int)
        case let raw as any RawRepresentable:
            mirror(raw.rawValue, into: sink)
        default:
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional {
                if let some = mirror.children.first { Self.mirror(some.value, into: sink) }
            } else if mirror.displayStyle == .collection {
                sink.beginList()
                for child in mirror.children { Self.mirror(child.value, into: sink) }
                sink.end()
            } else if String(describing: type(of: value)).hasPrefix("Pieces<") {
                // The items, which the HTML is made from by code, each by its wire form.
                sink.beginList()
                for item in mirror.children.first(where: { $0.label == "items" })!.value as! [Any] {
                    wire(item, into: sink)
                }
                sink.end()
            } else if ["Markup<", "Wired<"].contains(where: { String(describing: type(of: value)).hasPrefix($0) }) {
                wire(mirror.children.first { $0.label == "value" }!.value, into: sink)
            } else {
                sink.beginMap()
                for child in mirror.children {
                    // A nil property is left out.
                    let optional = Mirror(reflecting: child.value)
                    if optional.displayStyle == .optional, optional.children.isEmpty { continue }
                    sink.key(child.label!)
                    Self.mirror(child.value, into: sink)
                }
                sink.end()
            }
        }
    }

    /// Engine data, by its wire form, which must read back as the value it came from.
    static func wire(_ value: Any, into sink: RecordingSink) {
        guard let wired = value as? any WireCodable & Equatable else {
            Issue.record("\(type(of: value)) has no wire form")
            return
        }
        let readsBack = roundTrips(wired)
        #expect(readsBack, "\(type(of: wired)) does not read back from its wire form")
        sink.wire(wired)
    }

    static func roundTrips<T: WireCodable & Equatable>(_ value: T) -> Bool {
        var writer = WireWriter()
        value.write(to: &writer)
        var reader = WireReader(writer.bytes)
        return (try? T(from: &reader)) == value && reader.isAtEnd
    }

    static func key(_ path: String, _ events: [RecordingSink.Event]) -> String {
        let hasher = KeyHasher()
        hasher.head("common", path)
        for event in events {
            switch event {
            case .beginMap: hasher.beginMap()
            case .beginList: hasher.beginList()
            case .end: hasher.end()
            case .key(let name): hasher.key(name)
            case .string(let value): hasher.string(value)
            case .int(let value): hasher.int(value)
            case .bool(let value): hasher.bool(value)
            case .wire(let bytes): hasher.wire(RawWire(bytes: bytes))
            }
        }
        return hasher.finish()
    }
}

final class RecordingSink: ViewSink {
    enum Event: Equatable, CustomStringConvertible {
        case beginMap, beginList, end
        case key(String)
        case string(String)
        case int(Int)
        case bool(Bool)
        case wire([UInt8])

        var isLeaf: Bool {
            switch self {
            case .string, .int, .bool, .wire: true
            default: false
            }
        }

        /// The same event with another value, and for a leaf another kind.
        var changed: [Event] {
            switch self {
            case .string(let value): [.string(value + "x"), .string(""), .int(0)]
            case .int(let value): [.int(value + 1), .string("\(value)")]
            case .bool(let value): [.bool(!value), .int(value ? 1 : 0)]
            case .wire(let bytes): [.wire(bytes + [0]), .wire(bytes.dropLast() + [bytes.last.map { $0 ^ 1 } ?? 1])]
            case .key(let name): [.key(name + "x")]
            case .beginMap: [.beginList]
            case .beginList: [.beginMap]
            case .end: []
            }
        }

        var description: String {
            switch self {
            case .beginMap: "{"
            case .beginList: "["
            case .end: "end"
            case .key(let name): "key \(name)"
            case .string(let value): "string \(value.prefix(40))"
            case .int(let value): "int \(value)"
            case .bool(let value): "bool \(value)"
            case .wire(let bytes): "wire \(bytes.count) bytes"
            }
        }
    }

    private(set) var events: [Event] = []

    func beginMap() { events.append(.beginMap) }
    func beginList() { events.append(.beginList) }
    func end() { events.append(.end) }
    func key(_ name: String) { events.append(.key(name)) }
    func string(_ value: String) { events.append(.string(value)) }
    func int(_ value: Int) { events.append(.int(value)) }
    func bool(_ value: Bool) { events.append(.bool(value)) }
    func wire(_ value: any WireCodable) {
        var writer = WireWriter()
        value.write(to: &writer)
        events.append(.wire(writer.bytes))
    }
}

/// Bytes replayed as a wire form.
struct RawWire: WireCodable {
    var bytes: [UInt8]
    init(bytes: [UInt8]) { self.bytes = bytes }
    func write(to wire: inout WireWriter) { wire.write(raw: bytes) }
    init(from wire: inout WireReader) throws(WireError) { throw WireError() }
}
