import Foundation
import Testing

/// The hostile-input table of `shared/CMARK-GFM.md`, each shape at the size measured there,
/// through the real binary with small limits: a page that would hang cmark-gfm or eat memory
/// gets `render-limit`, quickly, and every other page is still checked.
@Suite struct HostileInputTests {
    static func front(_ title: String) -> String { "---\ntitle: \(title)\nreview:\n  status: draft\n---\n\n" }

    /// Shapes this Debian cmark-gfm cannot render within the limits below.
    static let hostile: [String: String] = [
        // 18 KiB; unbounded: 15 s, 2.2 GB. Under the memory limit cmark-gfm's allocator aborts.
        "table": String(repeating: "|x", count: 3000) + "|\n" + String(repeating: "|-", count: 3000) + "|\n"
            + String(repeating: "|a|\n", count: 3000),
        // 586 KiB each; unbounded: over 60 s and 27 s.
        "autolink": String(repeating: "z_www.", count: 100_000),
        "brackets": String(repeating: "![[]()", count: 100_000),
    ]

    /// Shapes from the same table that, as we can reproduce them, this version renders in
    /// milliseconds (the CLI too): they must simply be checked like any page.
    static let harmless: [String: String] = [
        "definitions": "[f]:u\n\"\n" + String(repeating: "[f]\n", count: 30_000),
        "strikethrough": String(repeating: "~e,z~~", count: 66_000),
    ]

    @Test func eachHostilePageGetsRenderLimitAndTheRestIsChecked() throws {
        var files = ["Content/site.yaml": "title: Hostile\n"]
        for (name, body) in Self.hostile.merging(Self.harmless, uniquingKeysWith: { a, _ in a }) {
            files["Content/\(name).md"] = Self.front(name) + body
        }
        files["Content/fine.md"] = Self.front("Fine") + "Fine text [@missing].\n"
        files["Content/clean.md"] = Self.front("Clean") + "Causes include:\n"
        let site = try TempSite(files)

        let start = ContinuousClock.now
        let result = try site.run([
            "check", "--jobs", "2", "--page-timeout", "2", "--worker-memory", "512", "--format", "json",
            "--date", "2026-11-01",
        ])
        let elapsed = ContinuousClock.now - start
        #expect(result.status == 1, "\(result.stderr)")
        // Three stalled or dying pages on two workers, 2 s each at most, plus start-up.
        #expect(elapsed < .seconds(30))

        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let diagnostics = try #require(report?["diagnostics"] as? [[String: Any]])
        func rules(_ page: String) -> [String] {
            diagnostics.filter { ($0["file"] as? String) == "Content/\(page).md" }.compactMap { $0["rule"] as? String }
        }
        for name in Self.hostile.keys {
            #expect(rules(name) == ["render-limit"], "\(name)")
        }
        for name in Self.harmless.keys {
            #expect(!rules(name).contains("render-limit"), "\(name)")
        }
        #expect(rules("fine") == ["unknown-citation"])
        #expect(rules("clean").isEmpty)
        let limited = diagnostics.filter { ($0["rule"] as? String) == "render-limit" }
        #expect(limited.allSatisfy { ($0["line"] as? Int) == 1 && ($0["severity"] as? String) == "error" })
    }

    @Test func buildFailsLikeForAnyErrorAndLeavesTheOutputAlone() throws {
        let site = try TempSite([
            "Content/site.yaml": "title: Hostile\n",
            "Content/brackets.md": Self.front("Brackets") + Self.hostile["brackets"]!,
            "Content/fine.md": Self.front("Fine") + "Causes include:\n",
            "Public/.gitkeep": "",
        ])
        let result = try site.run([
            "build", "--templates", templatesPath, "--jobs", "1", "--page-timeout", "1", "--date", "2026-11-01",
        ])
        #expect(result.status == 1)
        #expect(
            (result.stdout + result.stderr).contains("Content/brackets.md:1:1: error: cmark-gfm took longer than 1 s"))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: site.root.appendingPathComponent("Public").path)
                == [".gitkeep"])
    }
}

extension HostileInputTests {
    /// `approve` parses the site as `check` does, in workers: a hostile page elsewhere gets
    /// `render-limit` and the approval of a sound page goes ahead.
    @Test func approvingASoundPageSurvivesAHostilePageElsewhere() throws {
        let site = try TempSite([
            "Content/site.yaml": "title: Hostile\n",
            "Content/brackets.md": Self.front("Brackets") + Self.hostile["brackets"]!,
            "Content/fine.md": page(title: "Fine", status: "in-review", body: "Causes include:\n"),
        ])
        let start = ContinuousClock.now
        let result = try site.run([
            "approve", "Content/fine.md", "--reviewer", "Dr A", "--jobs", "1", "--page-timeout", "1", "--date",
            "2026-11-01",
        ])
        // One page at 1 s, plus start-up; parsed in-process, this page took over 30 s.
        #expect(ContinuousClock.now - start < .seconds(15))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("Approved Content/fine.md by Dr A on 2026-11-01"))
        #expect(site.read("Content/fine.md")?.contains("status: approved") == true)
        #expect(site.read("Content/brackets.md") == Self.front("Brackets") + Self.hostile["brackets"]!)
        // Like check, it writes no cache unless told where.
        #expect(!site.exists(".sourced-cache"))
    }
}
