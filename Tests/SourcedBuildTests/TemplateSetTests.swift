import Foundation
import Testing

@testable import SourcedBuild

/// A page made in pieces is the page the template would render with the pieces joined,
/// however a theme places them.
@Suite struct TemplateSetTests {
    func templates(references: String) throws -> TemplateSet {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sourced-tpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in TemplateSet.required {
            try Data("{{{content}}}".utf8).write(to: folder.appendingPathComponent("\(name).mustache"))
        }
        try Data(references.utf8).write(to: folder.appendingPathComponent("references.mustache"))
        return try TemplateSet(directory: folder.path)
    }

    @Test(arguments: [
        "<ol>{{{entries}}}</ol>", "<ol>{{entries}}</ol>", "{{{entries}}}|{{entries}}", "{{{entries}}}{{{entries}}}",
        "none",
    ])
    func piecesMatchTheJoinedPage(_ references: String) throws {
        let set = try templates(references: references)
        let entries = ["<li>a & b</li>", "<li>c</li>", "<li>d</li>"]
        let streamed = set.page(
            "references", [:], layout: [:], bulk: ("entries", entries.count, { entries[$0] }))
        var pieces = ""
        streamed.forEach { pieces += $0 }
        #expect(pieces == set.page("references", ["entries": entries.joined()], layout: [:]))
    }
}
